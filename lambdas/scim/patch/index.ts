/** The PatchOp interpreter: applyPatch for whole resources, planGroupPatch for groups without members. */
export { applyOperations, applyPatch } from './apply';
export type { PatchResult } from './apply';
export { applyMemberChanges, planGroupPatch } from './members';
export type { GroupPatchPlan, MemberChanges, MemberEntry } from './members';
export { compilePatchRequest, MAX_OPERATIONS, parseEnvelope } from './request';
export type { PatchOpName, PatchOperation, PatchTarget } from './request';
