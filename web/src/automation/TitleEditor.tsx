// A task title with the record's details in it: typed as text, each detail a pill in words ("Call [the lead's title]
// back"), put in from a menu where the caret is and taken out with Backspace or Delete. It holds the template the
// API takes ("Call {{record.title}} back"); a detail keeps the exact text it was read from.
import { type KeyboardEvent, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { detailsFor, hasCatalogue, namedDetail } from './fieldCatalogue.ts';
import { fieldPhrase } from './sentences.ts';
import { detailToken, normalise, type Token, toTemplate, toTokens } from './templateTokens.ts';

/** After each pill, so the caret has somewhere to stand; never part of the title. */
const STAND = '\u200B';

function pill(token: Extract<Token, { kind: 'detail' }>, eventType: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'token-pill';
  span.contentEditable = 'false';
  span.dataset.raw = token.raw;
  span.dataset.field = token.field;
  span.textContent = fieldPhrase(token.field, eventType);
  return span;
}

function paint(el: HTMLElement, tokens: Token[], eventType: string) {
  el.replaceChildren(...tokens.flatMap((t) => (t.kind === 'text' ? [document.createTextNode(t.text)] : [pill(t, eventType), document.createTextNode(STAND)])));
  el.dataset.event = eventType;
}

/** The editor's content as tokens: text as typed (without the caret stands or line breaks), pills as their details. */
function read(node: Node): Token[] {
  const tokens: Token[] = [];
  node.childNodes.forEach((child) => {
    if (child.nodeType === Node.TEXT_NODE) tokens.push({ kind: 'text', text: (child.textContent ?? '').replaceAll(STAND, '').replace(/\n/g, ' ') });
    else if (child instanceof HTMLElement && child.dataset.raw) tokens.push({ kind: 'detail', field: child.dataset.field ?? '', raw: child.dataset.raw });
    else tokens.push(...read(child));
  });
  return normalise(tokens);
}

const isPill = (node: Node | null): node is HTMLElement => node instanceof HTMLElement && Boolean(node.dataset.raw);
const isStand = (node: Node | null) => node?.nodeType === Node.TEXT_NODE && (node.textContent ?? '').replaceAll(STAND, '') === '';

/** The pill right before (or after) a collapsed caret, looking past caret stands. */
function pillBeside(el: HTMLElement, range: Range, before: boolean): HTMLElement | null {
  const { startContainer: node, startOffset: offset } = range;
  let sibling: Node | null;
  if (node.nodeType === Node.TEXT_NODE) {
    const text = node.textContent ?? '';
    const side = before ? text.slice(0, offset) : text.slice(offset);
    if (side.replaceAll(STAND, '') !== '') return null;
    sibling = before ? node.previousSibling : node.nextSibling;
  } else if (node === el) {
    sibling = before ? (el.childNodes[offset - 1] ?? null) : (el.childNodes[offset] ?? null);
  } else return null;
  while (sibling && isStand(sibling)) sibling = before ? sibling.previousSibling : sibling.nextSibling;
  return isPill(sibling) ? sibling : null;
}

export function TitleEditor({ value, onChange, eventType, labelledBy, describedBy, invalid }: {
  value: string;
  onChange: (template: string) => void;
  eventType: string;
  labelledBy: string;
  describedBy?: string;
  invalid?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const caret = useRef<Range | null>(null);

  // The value from outside (a rule opened, another event chosen) is painted; the editor's own typing is not repainted.
  useLayoutEffect(() => {
    const el = ref.current!;
    if (toTemplate(read(el)) !== value || el.dataset.event !== eventType) paint(el, toTokens(value), eventType);
  }, [value, eventType]);

  useEffect(() => {
    const remember = () => {
      const selection = document.getSelection();
      const el = ref.current;
      if (el && selection?.rangeCount && el.contains(selection.getRangeAt(0).startContainer)) caret.current = selection.getRangeAt(0).cloneRange();
    };
    document.addEventListener('selectionchange', remember);
    return () => document.removeEventListener('selectionchange', remember);
  }, []);

  const changed = () => onChange(toTemplate(read(ref.current!)));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter') return event.preventDefault();
    if (event.key !== 'Backspace' && event.key !== 'Delete') return;
    const selection = document.getSelection();
    if (!selection?.rangeCount || !selection.isCollapsed) return;
    const target = pillBeside(ref.current!, selection.getRangeAt(0), event.key === 'Backspace');
    if (!target) return;
    event.preventDefault();
    const stand = target.nextSibling;
    if (isStand(stand)) stand!.remove();
    target.remove();
    changed();
  };

  const insert = (field: string) => {
    const el = ref.current!;
    el.focus();
    const range = caret.current && el.contains(caret.current.startContainer) ? caret.current : (() => {
      const end = document.createRange();
      end.selectNodeContents(el);
      end.collapse(false);
      return end;
    })();
    const token = detailToken(field) as Extract<Token, { kind: 'detail' }>;
    const stand = document.createTextNode(STAND);
    const fragment = document.createDocumentFragment();
    fragment.append(pill(token, eventType), stand);
    range.deleteContents();
    range.insertNode(fragment);
    const after = document.createRange();
    after.setStart(stand, 1);
    after.collapse(true);
    const selection = document.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(after);
    caret.current = after.cloneRange();
    changed();
  };

  return (
    <div className="token-field">
      <div
        ref={ref}
        role="textbox"
        aria-multiline="false"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        contentEditable
        suppressContentEditableWarning
        className={`token-editor ${invalid ? 'invalid' : ''}`}
        data-placeholder="Call the customer back"
        onInput={changed}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          e.preventDefault();
          document.execCommand('insertText', false, e.clipboardData.getData('text/plain').replace(/\s+/g, ' '));
        }}
        onBlur={() => {
          // Braces typed by hand become pills once the caret leaves.
          const el = ref.current!;
          if (read(el).some((t) => t.kind === 'text' && toTokens(t.text).some((x) => x.kind === 'detail'))) paint(el, toTokens(value), eventType);
        }}
      />
      <DetailMenu eventType={eventType} onPick={insert} />
    </div>
  );
}

/** "Insert a detail": the record's details for this event, or a detail another system's event comes with, by its name. */
function DetailMenu({ eventType, onPick }: { eventType: string; onPick: (field: string) => void }) {
  const [open, setOpen] = useState(false);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const menuId = useId();
  const details = detailsFor(eventType);
  const canName = !hasCatalogue(eventType);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
  }, [open]);

  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };
  const pick = (field: string) => {
    setOpen(false);
    setNaming(false);
    onPick(field);
  };
  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const to = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (event.key === 'ArrowDown') to(at + 1);
    else if (event.key === 'ArrowUp') to(at - 1);
    else if (event.key === 'Home') to(0);
    else if (event.key === 'End') to(items.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') return setOpen(false);
    else return;
    event.preventDefault();
  };
  const named = namedDetail(name);

  return (
    <div className="detail-menu">
      <button ref={button} type="button" className="chip-button" aria-haspopup="menu" aria-expanded={open} aria-controls={open ? menuId : undefined} onClick={() => setOpen(!open)}>
        + Insert a detail
      </button>
      {open && (
        <ul ref={menu} id={menuId} role="menu" aria-label="Details to insert" className="detail-menu-list" onKeyDown={onMenuKey} onBlur={(e) => { if (!menu.current?.contains(e.relatedTarget as Node | null) && e.relatedTarget !== button.current) setOpen(false); }}>
          {details.map((d) => (
            <li key={d.field} role="none"><button type="button" role="menuitem" tabIndex={-1} onClick={() => pick(d.field)}>{d.label}</button></li>
          ))}
          {canName && (
            <li role="none"><button type="button" role="menuitem" tabIndex={-1} onClick={() => { setOpen(false); setNaming(true); }}>A detail the event comes with…</button></li>
          )}
        </ul>
      )}
      {naming && (
        <span className="detail-name">
          <input
            aria-label="The detail's name, as the other system sends it"
            placeholder="e.g. number"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                if (named) pick(named);
              }
              if (e.key === 'Escape') setNaming(false);
            }}
          />
          <button type="button" className="button" disabled={!named} onClick={() => named && pick(named)}>Insert</button>
        </span>
      )}
    </div>
  );
}
