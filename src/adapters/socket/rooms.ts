/** Room names: one per user (all their connections) and one per thread. */
export const userRoom = (userId: string): string => `user:${userId}`;
export const threadRoom = (threadId: string): string => `thread:${threadId}`;
