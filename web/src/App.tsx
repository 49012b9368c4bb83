export function App() {
  return <main><h1>Miri</h1></main>;
}
