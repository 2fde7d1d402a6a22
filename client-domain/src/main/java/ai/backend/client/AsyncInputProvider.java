package ai.backend.client;

import java.util.concurrent.CompletionStage;

/** The non-blocking {@link InputProvider} of {@link AsyncKernel#run}: the run resumes when the stage completes. */
@FunctionalInterface
public interface AsyncInputProvider {
  CompletionStage<String> readLine(String prompt, boolean password);

  /** Adapts a blocking provider (it is then called on a client callback thread). */
  static AsyncInputProvider of(InputProvider provider) {
    return (prompt, password) ->
        java.util.concurrent.CompletableFuture.completedFuture(provider.readLine(prompt, password));
  }
}
