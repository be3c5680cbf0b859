// People by id, for avatars and names in every task view.
import { useMemo } from 'react';
import type { User } from '../api/types.ts';
import { useUsers } from './queries.ts';

export function useUserMap(): Map<string, User> {
  const users = useUsers();
  return useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
}
