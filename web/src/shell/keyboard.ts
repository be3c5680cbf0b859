// Keyboard shortcuts: ignored while typing in a field or while a dialog is open.
import { useEffect, useRef, useState } from 'react';
import type { Task } from '../api/types.ts';

export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function dialogOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}

/** Runs `handler` for plain key presses (no modifier) outside fields and dialogs. */
export function useShortcut(handler: (event: KeyboardEvent) => void, options: { inDialogs?: boolean } = {}): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || isTyping(event)) return;
      if (!options.inDialogs && dialogOpen()) return;
      latest.current(event);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [options.inDialogs]);
}

export interface ListKeys {
  open: (task: Task) => void;
  edit: (task: Task) => void;
  toggleDone: (task: Task) => void;
}

/** j/k (or arrows) move, Enter opens, e edits, x completes — over the tasks shown, in order. */
export function useListKeyboard(tasks: Task[], actions: ListKeys, enabled = true) {
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const focusedIndex = tasks.findIndex((t) => t.id === focusedId);
  useShortcut((event) => {
    if (!enabled || tasks.length === 0) return;
    const move = (delta: number) => {
      const next = tasks[Math.min(tasks.length - 1, Math.max(0, (focusedIndex === -1 ? (delta > 0 ? -1 : tasks.length) : focusedIndex) + delta))]!;
      setFocusedId(next.id);
      document.querySelector(`[data-task-key="${next.key}"]`)?.scrollIntoView({ block: 'nearest' });
    };
    const focused = tasks[focusedIndex];
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        event.preventDefault();
        move(1);
        break;
      case 'k':
      case 'ArrowUp':
        event.preventDefault();
        move(-1);
        break;
      case 'Enter':
        if (focused) actions.open(focused);
        break;
      case 'e':
        if (focused) {
          event.preventDefault();
          actions.edit(focused);
        }
        break;
      case 'x':
        if (focused) actions.toggleDone(focused);
        break;
    }
  });
  return { focusedId, setFocusedId };
}

/** A page that `g` then its key opens. */
export interface GoTo {
  key: string;
  label: string;
}

/** Every shortcut the app answers to, as the help (press ?) lists them: one `g` line per page the person can open. */
export function shortcutList(pages: GoTo[]): [keys: string, what: string][] {
  return [
    ['c', 'New task (quick add)'],
    ['j / k  or  ↓ / ↑', 'Next / previous task (My work, task list)'],
    ['Enter', 'Open the task'],
    ['e', 'Edit the task'],
    ['x', 'Complete / reopen'],
    ['/', 'Search (task list)'],
    ...pages.map((page): [string, string] => [`g then ${page.key}`, `Go to ${page.label}`]),
    ['?', 'These shortcuts'],
    ['Esc', 'Close the drawer or dialog'],
  ];
}
