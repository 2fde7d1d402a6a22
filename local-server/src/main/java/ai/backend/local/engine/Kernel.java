package ai.backend.local.engine;

import java.time.Duration;
import java.util.List;

/**
 * One running kernel: a persistent interpreter (Python keeps its globals between executes) or a shell
 * for compiled runtimes, in its own work directory. Thread-safe. Runs are FIFO: a new run waits until
 * the previous run has finished; {@code continue} and {@code input} for the current run never wait.
 */
public interface Kernel extends AutoCloseable {

  String runtime();

  /**
   * One execute call, per the Backend.AI REST semantics (spec §5.7). Blocks at most about
   * {@code flushTimeout} once the run is under way, then returns what was produced so far with status
   * {@code continued}, or earlier when the run finished, needs input, or a batch step completed.
   *
   * @throws InvalidExecRequestException bad mode, continue/input without the current run ID, etc.
   */
  ExecResult execute(ExecRequest request, Duration flushTimeout);

  /** Interrupts the current run (SIGINT to the interpreter or batch subprocess); best effort. */
  void interrupt();

  /** Restarts the interpreter: globals are lost, files in the work directory are kept. */
  void restart();

  /** Code completion candidates for the text before the cursor (may be empty). */
  List<String> complete(String code);

  /** What the kernel's processes wrote outside of runs (the "container log"). */
  String logs();

  /** PIDs of every live process of this kernel (the whole tree), for tests and diagnostics. */
  List<Long> pids();

  /** Usage figures for destroy/info responses. */
  KernelStats stats();

  boolean isAlive();

  /** Kills the whole process tree and waits for it to be gone. Idempotent. */
  @Override
  void close();
}
