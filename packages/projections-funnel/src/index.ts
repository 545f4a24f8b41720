// @dealbook/projections-funnel: the sales funnel read model.
export {
  funnelStages,
  initialFunnelState,
  type FunnelStage,
  type FunnelSource,
  type FunnelPhase,
  type FunnelState,
  type FunnelOpportunity,
  type FunnelCell,
  type FunnelClosing,
  type FunnelClosings,
} from './funnel-state.js';
export { createFunnelProjection, FUNNEL_PROJECTION_NAME, FUNNEL_PROJECTION_VERSION, type FunnelProjection, type FunnelProjectionOptions } from './funnel-projection.js';
export {
  queryFunnel,
  funnelCuts,
  type FunnelQuery,
  type FunnelCut,
  type FunnelWhere,
  type FunnelResult,
  type FunnelRow,
  type FunnelStageFigures,
  type FunnelClosingFigures,
  type FunnelLoss,
} from './funnel-query.js';
export { buildFunnel, type BuildFunnelOptions } from './build-funnel.js';
