// A time zone chosen from the browser's list of IANA zones, searched by any part
// of its name ("london", "new york"), preset to the zone this browser is in.
import { useMemo, useState } from 'react';

function allZones(preset: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  // The browser's own zone may be an alias the list leaves out (Europe/Kiev for Europe/Kyiv); UTC is often missing too.
  return [...new Set([...zones, preset, 'UTC'])].sort();
}

/** "America/New_York" → "America / New York": what people read and type. */
export function zoneLabel(zone: string): string {
  return zone.replaceAll('_', ' ').replaceAll('/', ' / ');
}

function matches(zone: string, search: string): boolean {
  const words = search.toLowerCase().replaceAll('_', ' ').split(/[\s/,]+/).filter(Boolean);
  const name = zoneLabel(zone).toLowerCase();
  return words.every((w) => name.includes(w));
}

/** The zone this browser is in (UTC when it does not say). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The searchable list, submitted under `name` in a form; `initial` presets it (else the
 * browser's zone) and `onChange` hears each zone chosen.
 */
export function TimeZonePicker({ name, error, initial, onChange }: { name: string; error?: string; initial?: string; onChange?: (zone: string) => void }) {
  const preset = useMemo(() => initial ?? browserZone(), [initial]);
  const zones = useMemo(() => allZones(preset), [preset]);
  const [search, setSearch] = useState('');
  const [zone, setChosen] = useState(preset);
  const setZone = (next: string) => {
    setChosen(next);
    onChange?.(next);
  };
  const shown = useMemo(() => zones.filter((z) => matches(z, search)), [zones, search]);
  const id = `field-${name}`;
  return (
    <div className={`field timezone-field ${error ? 'has-error' : ''}`}>
      <label htmlFor={id}>Time zone</label>
      <input
        type="search"
        className="timezone-search"
        aria-label="Search time zones"
        placeholder="Type a city, e.g. London"
        value={search}
        onChange={(e) => {
          const next = e.target.value;
          setSearch(next);
          const first = zones.find((z) => matches(z, next));
          if (first && !matches(zone, next)) setZone(first);
        }}
      />
      <select
        id={id}
        name={name}
        size={5}
        value={zone}
        onChange={(e) => setZone(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {/* The chosen zone stays listed (and so submitted) whatever the search shows. */}
        {(shown.includes(zone) ? shown : [zone, ...shown]).map((z) => <option key={z} value={z}>{zoneLabel(z)}</option>)}
      </select>
      <p className="muted small" aria-live="polite">{shown.length === 0 ? `No time zone matches “${search}”; still chosen: ` : 'Chosen: '}{zoneLabel(zone)}</p>
      {error && <p className="field-error" id={`${id}-error`} role="alert">{error}</p>}
    </div>
  );
}
