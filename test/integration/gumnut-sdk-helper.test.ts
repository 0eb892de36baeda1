import { expect, it } from 'vitest';
import { describeWithSdk, runSdk, SdkScriptError } from '#test/helpers/gumnut-sdk.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { newKey } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

describeWithSdk('the Gumnut SDK test helper', () => {
  it('runs a snippet through the SDK against the stack and hands back the API error it met', async () => {
    const target = { baseUrl: stack().apiUrl, apiKey: await newKey() };
    const answer = await runSdk(
      target,
      'emit({"missing": api_error(lambda: client.assets.retrieve(ARGS["id"])), "strict": client._strict_response_validation})',
      { id: 'asset_2222222222222222222222' },
    );
    expect(answer).toEqual({
      missing: { status: 404, body: { detail: 'asset not found' }, error: 'NotFoundError' },
      strict: true,
    });
  });

  it('sends the key it was given: a wrong one is a 401', async () => {
    const target = { baseUrl: stack().apiUrl, apiKey: 'dk_not-a-key' };
    const answer = await runSdk(
      target,
      'emit(api_error(lambda: client.assets.retrieve("asset_2222222222222222222222")))',
    );
    expect(answer.status).toBe(401);
    expect(answer.error).toBe('AuthenticationError');
  });

  it('fails with the traceback when a snippet raises', async () => {
    const target = { baseUrl: stack().apiUrl, apiKey: await newKey() };
    const run = runSdk(target, 'raise ValueError("boom")');
    await expect(run).rejects.toBeInstanceOf(SdkScriptError);
    await expect(run).rejects.toThrow(/ValueError: boom/);
  });
});
