import { useMemo } from 'react';
import { createApi } from './api/client';
import { href, useRoute } from './app/router';
import { newQueryClient, ServicesProvider, type Services } from './app/services';
import { browserSocket, LiveConnection } from './live/connection';
import { NewProjectForm } from './projects/NewProjectForm';
import { ProjectPage } from './projects/ProjectPage';
import { ProjectsPage } from './projects/ProjectsPage';
import { ShotDetail } from './shots/ShotDetail';
import { Link } from './ui/ErrorNote';
import './app/app.css';

let cookieToken: string | null = null;

/**
 * The bearer token for a server not bound to loopback (?token=... once, kept
 * in sessionStorage). Images, clips, the song and downloads cannot send a
 * header, so the token also goes in a SameSite=Strict cookie for /api, which
 * the server accepts for reads (GET) only.
 */
function token(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) sessionStorage.setItem('miri.token', fromUrl);
  const t = sessionStorage.getItem('miri.token');
  // Only a cookie-safe token is sent as it is (the server compares it raw).
  if (t && t !== cookieToken && /^[A-Za-z0-9._~-]+$/.test(t)) {
    const secure = window.location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `miri_token=${t}; Path=/api; SameSite=Strict${secure}`;
    cookieToken = t;
  }
  return t;
}

export function Routes() {
  const route = useRoute();
  switch (route.page) {
    case 'projects':
      return <ProjectsPage />;
    case 'new':
      return <NewProjectForm />;
    case 'project':
      return <ProjectPage projectId={route.projectId} tab={route.tab} />;
    case 'shot':
      return <ShotDetail projectId={route.projectId} shotId={route.shotId} />;
    case 'notFound':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at {route.path}. <Link to={href({ page: 'projects' })}>Back to the projects</Link>
          </p>
        </section>
      );
  }
}

export function App() {
  const { services, queryClient } = useMemo(() => {
    token(); // before the first <img>/<audio> asks for media: sets the cookie
    const services: Services = {
      api: createApi({ token }),
      live: new LiveConnection(() => browserSocket(token)),
    };
    return { services, queryClient: newQueryClient() };
  }, []);
  return (
    <ServicesProvider services={services} queryClient={queryClient}>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Miri
        </Link>
        <span className="muted">music video director</span>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </ServicesProvider>
  );
}
