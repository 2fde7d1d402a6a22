package ai.backend.client.internal;

import ai.backend.client.AsyncInputProvider;
import ai.backend.client.ConsoleItem;
import ai.backend.client.ExecRequest;
import ai.backend.client.ExecutionResult;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.WaitTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The execute loop of spec §5.7: {@code continue} after {@code continued}/{@code *-finished} steps,
 * {@code input} after {@code waiting-input}, stop on {@code finished}, {@code exec-timeout} or an unknown
 * status. One instance per run; not thread-safe (the async driver runs one step at a time).
 */
public final class RunLoop {
  private final RunOptions options;
  private final long deadline;
  private final List<ConsoleItem> console = new ArrayList<>();
  private final List<RunResult.Step> steps = new ArrayList<>();

  public RunLoop(RunOptions options) {
    this.options = options == null ? RunOptions.defaults() : options;
    Duration t = this.options.timeout();
    this.deadline = t == null ? Long.MAX_VALUE : System.nanoTime() + t.toNanos();
  }

  /** Drives the run synchronously; {@code exec} sends one execute call. */
  public RunResult runSync(ExecRequest first, Function<ExecRequest, ExecutionResult> exec) {
    ExecutionResult r = exec.apply(first);
    while (true) {
      accept(r);
      if (r.status().isTerminal()) {
        return result(r);
      }
      checkDeadline(r);
      if (r.status() == ExecutionStatus.WAITING_INPUT) {
        if (options.inputProvider() == null) {
          throw noInput(r);
        }
        String line = options.inputProvider().readLine(prompt(r), r.isPasswordInput());
        r = exec.apply(ExecRequest.input(r.runId(), line == null ? "" : line));
      } else {
        r = exec.apply(ExecRequest.continueRun(r.runId()));
      }
    }
  }

  /** Drives the run by chaining futures; no thread waits between steps. */
  public CompletableFuture<RunResult> runAsync(
      ExecRequest first, Function<ExecRequest, CompletableFuture<ExecutionResult>> exec) {
    return exec.apply(first).thenCompose(r -> step(r, exec));
  }

  private CompletableFuture<RunResult> step(
      ExecutionResult r, Function<ExecRequest, CompletableFuture<ExecutionResult>> exec) {
    try {
      accept(r);
      if (r.status().isTerminal()) {
        return CompletableFuture.completedFuture(result(r));
      }
      checkDeadline(r);
      CompletionStage<ExecRequest> next;
      if (r.status() == ExecutionStatus.WAITING_INPUT) {
        next =
            readInput(r).thenApply(line -> ExecRequest.input(r.runId(), line == null ? "" : line));
      } else {
        next = CompletableFuture.completedFuture(ExecRequest.continueRun(r.runId()));
      }
      return next.toCompletableFuture().thenCompose(exec).thenCompose(n -> step(n, exec));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Records one result: console items to the listener, finished steps to the step listener. */
  public void accept(ExecutionResult r) {
    for (ConsoleItem item : r.console()) {
      console.add(item);
      options.listener().onItem(item);
    }
    ExecutionStatus s = r.status();
    if (s == ExecutionStatus.CLEAN_FINISHED
        || s == ExecutionStatus.BUILD_FINISHED
        || s == ExecutionStatus.FINISHED) {
      steps.add(new RunResult.Step(s, r.exitCode()));
      options.stepListener().onStep(s, r.exitCode().isPresent() ? r.exitCode().getAsInt() : null);
    }
  }

  /** The run's result, ending with {@code last}. */
  public RunResult result(ExecutionResult last) {
    return new RunResult(
        last.runId(), last.status(), last.rawStatus(), last.exitCode(), console, steps);
  }

  /** @throws WaitTimeoutException when the run's timeout has passed */
  public void checkDeadline(ExecutionResult r) {
    if (System.nanoTime() - deadline > 0) {
      throw new WaitTimeoutException(
          "run " + r.runId() + " did not finish within " + options.timeout() + " (last status "
              + r.rawStatus() + "); it may still be running: interrupt the session to stop it");
    }
  }

  /** Asks the options' input provider (the async one, else the blocking one) for the line {@code r} waits for. */
  public CompletionStage<String> readInput(ExecutionResult r) {
    AsyncInputProvider p = options.asyncInputProvider() != null
        ? options.asyncInputProvider()
        : options.inputProvider() != null ? AsyncInputProvider.of(options.inputProvider()) : null;
    if (p == null) {
      throw noInput(r);
    }
    return p.readLine(prompt(r), r.isPasswordInput());
  }

  private static InvalidArgumentException noInput(ExecutionResult r) {
    return new InvalidArgumentException(
        "run " + r.runId() + " is waiting for input but RunOptions has no input"
            + " provider; the run stays blocked until it is interrupted");
  }

  /** The text after the last newline of this result's stdout: what {@code input(prompt)} printed. */
  static String prompt(ExecutionResult r) {
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    return nl < 0 ? out : out.substring(nl + 1);
  }
}
