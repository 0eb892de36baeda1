/** True when a conditional write lost its condition: the item already existed (or did not). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
