package ai.backend.local.engine;

import java.util.Arrays;

/**
 * Tells, from {@code /proc}, that a shell step's program blocks reading its stdin pipe, and then
 * marks the run {@code waiting-input}. {@link #tick} runs on the scheduler every few milliseconds
 * while the step runs. It reports when (1) both output pumps are parked in a read, (2) some thread
 * of the step's tree is blocked in read(2)/readv/pread64 on fd 0 and that fd 0 is our stdin pipe
 * (from {@code /proc/<pid>/task/<tid>/syscall} and {@code /proc/<pid>/fd/0}), and (3) both still
 * hold one tick later with no read completed in between: the program wrote its prompt before
 * blocking, so a pump that stays parked with an unchanged read count has consumed it. After an input
 * line was written, the tree's {@code rchar} must first change (the line was consumed).
 */
final class StdinWaitDetector {
  private final Process process;
  private final boolean group;
  private final StreamPump out;
  private final StreamPump err;
  private String stdinId; // only touched by the scheduler thread
  private long[] candidate; // only touched by the scheduler thread
  // rchar of the tree when input was written: until it changes, the reader has not consumed the
  // input yet and a "blocked in read" seen in /proc is stale (wakeup pending), not a new prompt.
  private volatile long rcharAtInput = -1;

  StdinWaitDetector(Process process, boolean group, StreamPump out, StreamPump err) {
    this.process = process;
    this.group = group;
    this.out = out;
    this.err = err;
  }

  /** Call right before an input line is written to the program's stdin. */
  void inputWritten() {
    rcharAtInput = ProcTree.rchar(process.pid(), group);
  }

  /** One detection tick for {@code run}, the run this step belongs to. */
  void tick(Run run) {
    long pid = process.pid();
    try {
      if (run.isFinished() || run.isWaitingInput() || !process.isAlive()) {
        candidate = null;
        return;
      }
      if (!(out.parked && err.parked)) {
        candidate = null;
        return;
      }
      if (stdinId == null) {
        String id = ProcTree.stdinId(pid);
        if (id == null || !id.startsWith("pipe:")) {
          return;
        }
        stdinId = id;
      }
      long[] snap = {out.seq, err.seq};
      long atInput = rcharAtInput;
      if (atInput >= 0) {
        if (ProcTree.rchar(pid, group) == atInput) {
          candidate = null;
          return;
        }
        rcharAtInput = -1;
      }
      if (!ProcTree.blockedReadingStdin(pid, stdinId)) {
        candidate = null;
        return;
      }
      if (candidate != null && Arrays.equals(candidate, snap)) {
        candidate = null;
        run.setWaiting(false);
      } else {
        candidate = snap;
      }
    } catch (RuntimeException e) {
      candidate = null;
    }
  }
}
