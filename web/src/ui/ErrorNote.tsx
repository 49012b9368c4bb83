// Shows a failure where it happened, in words: the server's message and
// the fields it named.
import type { AnchorHTMLAttributes, ReactNode } from 'react';
import { ApiError } from '../api/client';
import { navigate } from '../app/router';

export function describeError(error: unknown): { message: string; issues: string[] } {
  if (error instanceof ApiError) {
    return { message: error.message, issues: error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)) };
  }
  if (error instanceof Error) return { message: error.message, issues: [] };
  return { message: String(error), issues: [] };
}

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const { message, issues } = describeError(error);
  return (
    <div role="alert" className="error">
      <strong>{title ? `${title}: ` : ''}</strong>
      {message}
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The messages of the issues whose path is `field` (for aria-describedby). */
export function fieldErrors(error: unknown, field: string): string[] {
  return error instanceof ApiError ? error.forField(field) : [];
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
