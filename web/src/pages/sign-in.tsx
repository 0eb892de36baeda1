import { useState } from 'preact/hooks';
import { problem, type Session, signIn } from '../session.ts';

export const SignIn = (props: {
  apiUrl: string;
  onSession: (s: Session) => void;
  onRejected: () => void;
  notice?: string;
}) => {
  const { apiUrl, onSession, notice } = props;
  const [key, setKey] = useState('');
  const [error, setError] = useState(notice);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSession(await signIn(apiUrl, key.trim(), props.onRejected));
    } catch (e) {
      setError(problem(e, apiUrl));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Darkroom</h1>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="current-password"
          required
          value={key}
          onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
          aria-describedby="key-help"
        />
        <p id="key-help" class="help">
          <code>npm start</code> prints a development key; <code>npm run keys</code> makes more. It is kept only for
          this tab.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
};
