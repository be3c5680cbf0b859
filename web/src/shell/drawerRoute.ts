// The task drawer's place in the URL (?task=T-12), so it opens over any page and survives a reload.
import { useCallback } from 'react';
import { useLocation, useSearch } from 'wouter';

export function useTaskDrawer() {
  const [location, navigate] = useLocation();
  const search = useSearch();
  const params = new URLSearchParams(search);
  const openKey = params.get('task');
  const editing = params.get('edit') === '1';
  const open = useCallback(
    (key: string, edit = false) => {
      const next = new URLSearchParams(search);
      next.set('task', key);
      if (edit) next.set('edit', '1');
      else next.delete('edit');
      navigate(`${location}?${next.toString()}`);
    },
    [location, navigate, search],
  );
  const close = useCallback(() => {
    const next = new URLSearchParams(search);
    next.delete('task');
    next.delete('edit');
    const text = next.toString();
    navigate(text ? `${location}?${text}` : location);
  }, [location, navigate, search]);
  return { openKey, editing, open, close };
}
