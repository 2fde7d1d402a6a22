package ai.backend.client;

/** Told when a batch step completes: {@code clean-finished}, {@code build-finished} or the final {@code finished}. */
@FunctionalInterface
public interface StepListener {
  StepListener NONE = (status, exitCode) -> {};

  void onStep(ExecutionStatus status, Integer exitCode);
}
