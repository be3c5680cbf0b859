// Asks for the one thing a status needs: what a task is waiting on, or why it is blocked.
import { useState } from 'react';
import { Modal } from './Modal.tsx';

export interface ReasonRequest {
  status: 'waiting' | 'blocked';
  taskKey: string;
  resolve: (reason: string | null) => void;
}

export function ReasonDialog({ request }: { request: ReasonRequest }) {
  const [reason, setReason] = useState('');
  const label = request.status === 'waiting' ? 'Waiting on' : 'Blocked because';
  return (
    <Modal title={`${request.taskKey}: ${request.status === 'waiting' ? 'waiting on whom?' : 'what blocks it?'}`} onClose={() => request.resolve(null)}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          request.resolve(reason.trim() || null);
        }}
      >
        <label className="field">
          <span>{label}</span>
          <input autoFocus value={reason} onChange={(e) => setReason(e.target.value)} placeholder={request.status === 'waiting' ? 'Customer to send photos' : 'Part on back-order'} />
        </label>
        <div className="form-actions">
          <button type="button" className="button" onClick={() => request.resolve(null)}>Cancel</button>
          <button type="submit" className="button button-primary" disabled={!reason.trim()}>Move</button>
        </div>
      </form>
    </Modal>
  );
}
