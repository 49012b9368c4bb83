import { href, PROJECT_TABS, type ProjectTab } from '../app/router';
import { BudgetMeter } from '../budget/BudgetMeter';
import { RenderPanel } from '../render/RenderPanel';
import { Rulebook } from '../rulebook/Rulebook';
import { ShotTable } from '../shots/ShotTable';
import { TimelinePage } from '../timeline/TimelinePage';
import { ErrorNote, Link } from '../ui/ErrorNote';
import { statusLabel } from '../ui/format';
import { useProject } from './api';
import { ProjectSettings } from './ProjectSettings';
import { SystemChecks } from './SystemChecks';

const TAB_NAMES: Record<ProjectTab, string> = {
  shots: 'Shots',
  timeline: 'Timeline',
  rulebook: 'Rulebook',
  budget: 'Budget',
  render: 'Render',
  settings: 'Settings',
};

export function ProjectPage({ projectId, tab }: { projectId: string; tab: ProjectTab }) {
  const project = useProject(projectId);
  return (
    <div className="project">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Projects</Link> / <span>{project.data?.projectName ?? projectId}</span>
      </nav>
      <div className="row">
        <h1>{project.data?.projectName ?? 'Project'}</h1>
        {project.data?.status && <span className={`status status-${project.data.status}`}>{statusLabel(project.data.status)}</span>}
        <BudgetMeter projectId={projectId} compact />
      </div>
      <ErrorNote error={project.error} title="Could not load the project" />
      <nav aria-label="Project views" className="tabs">
        {PROJECT_TABS.map((t) => (
          <Link key={t} to={href({ page: 'project', projectId, tab: t })} aria-current={t === tab ? 'page' : undefined}>
            {TAB_NAMES[t]}
          </Link>
        ))}
      </nav>
      {tab === 'shots' && <ShotTable projectId={projectId} />}
      {tab === 'timeline' && <TimelinePage projectId={projectId} project={project.data} />}
      {tab === 'rulebook' && <Rulebook projectId={projectId} />}
      {tab === 'budget' && <BudgetMeter projectId={projectId} />}
      {tab === 'render' && <RenderPanel projectId={projectId} />}
      {tab === 'settings' && project.data && <ProjectSettings project={project.data} />}
      {tab === 'settings' && <SystemChecks />}
    </div>
  );
}
