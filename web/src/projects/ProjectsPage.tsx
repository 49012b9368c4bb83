import { href } from '../app/router';
import { ErrorNote, Link } from '../ui/ErrorNote';
import { statusLabel } from '../ui/format';
import { useProjects } from './api';

export function ProjectsPage() {
  const { data, error, isPending } = useProjects();
  return (
    <section aria-labelledby="projects-heading">
      <div className="row">
        <h1 id="projects-heading">Projects</h1>
        <Link to={href({ page: 'new' })} className="button primary">
          New project
        </Link>
      </div>
      <ErrorNote error={error} title="Could not list the projects" />
      {isPending && !error && <p>Loading…</p>}
      {data && data.projects.length === 0 && <p>No projects yet. Create one to upload a song.</p>}
      {data && data.projects.length > 0 && (
        <ul className="cards">
          {data.projects.map((p) => (
            <li key={p.projectId} className="card">
              <Link to={href({ page: 'project', projectId: p.projectId, tab: 'shots' })}>
                <strong>{p.projectName}</strong>
              </Link>
              <span className="muted">{p.status ? statusLabel(p.status) : 'no status'}</span>
              <span className="muted">created {new Date(p.creationTimestamp).toLocaleString()}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
