export const App = () => <main>Darkroom</main>;
