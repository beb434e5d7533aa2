/** Segments: named, reusable sets of conditions. */
export {
  createSegment,
  deleteSegment,
  requireSegment,
  type SegmentInput,
  segmentUsers,
  updateSegment,
} from './segment.commands.js';
export { reduceSegment } from './segment.reducer.js';
export { registerSegmentRoutes, type SegmentResource, toSegmentResource } from './segment.routes.js';
