package ai.backend.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Kernel#run} drives a run: where console items go, who answers input requests, who hears
 * about batch steps, and an overall time limit. Immutable; {@link #defaults()} collects output only.
 *
 * @param listener receives console items as they arrive
 * @param inputProvider answers {@code waiting-input} (sync runs; async runs adapt it), or null
 * @param asyncInputProvider answers {@code waiting-input} without blocking (async runs), or null
 * @param stepListener told about completed batch steps
 * @param timeout the longest the whole run may take, or null for no limit
 */
public record RunOptions(
    ConsoleListener listener,
    InputProvider inputProvider,
    AsyncInputProvider asyncInputProvider,
    StepListener stepListener,
    Duration timeout) {
  public RunOptions {
    listener = listener == null ? ConsoleListener.NONE : listener;
    stepListener = stepListener == null ? StepListener.NONE : stepListener;
  }

  public static RunOptions defaults() {
    return new RunOptions(null, null, null, null, null);
  }

  public RunOptions withListener(ConsoleListener l) {
    return new RunOptions(
        Objects.requireNonNull(l, "listener"),
        inputProvider,
        asyncInputProvider,
        stepListener,
        timeout);
  }

  public RunOptions withInput(InputProvider p) {
    return new RunOptions(
        listener,
        Objects.requireNonNull(p, "inputProvider"),
        asyncInputProvider,
        stepListener,
        timeout);
  }

  public RunOptions withAsyncInput(AsyncInputProvider p) {
    return new RunOptions(
        listener,
        inputProvider,
        Objects.requireNonNull(p, "asyncInputProvider"),
        stepListener,
        timeout);
  }

  public RunOptions withStepListener(StepListener l) {
    return new RunOptions(
        listener,
        inputProvider,
        asyncInputProvider,
        Objects.requireNonNull(l, "stepListener"),
        timeout);
  }

  public RunOptions withTimeout(Duration t) {
    return new RunOptions(listener, inputProvider, asyncInputProvider, stepListener, t);
  }
}
