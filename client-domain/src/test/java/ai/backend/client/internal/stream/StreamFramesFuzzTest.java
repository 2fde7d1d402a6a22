package ai.backend.client.internal.stream;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.TerminalListener;
import ai.backend.client.errors.BackendException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Fuzzes the parsers of incoming WebSocket frames: the streaming execute socket ({@link
 * ExecuteStream#frame}) and the terminal ({@link PtyTerminal#onMessage}). The input is a sequence
 * of frames, one per line, fed to both. An execute run either goes on, completes, or fails with a typed {@link
 * BackendException} (MalformedResponseException for a bad frame); the terminal ignores what is not
 * its protocol and never throws into the transport's thread. ({@link TcpTunnel} passes binary frames
 * through without parsing them, so it has no parser to fuzz.) The streams are built without a
 * socket through their private constructors, which keeps the production code unchanged.
 */
class StreamFramesFuzzTest {
  private static final Constructor<ExecuteStream> EXECUTE;
  private static final Field EXECUTE_RESULT;
  private static final Field EXECUTE_DELIVERY;
  /** One terminal for the whole run: it keeps no state between frames, and its thread is reused. */
  private static final PtyTerminal PTY;

  static {
    try {
      EXECUTE =
          ExecuteStream.class.getDeclaredConstructor(RunOptions.class, String.class, String.class);
      EXECUTE.setAccessible(true);
      EXECUTE_RESULT = ExecuteStream.class.getDeclaredField("result");
      EXECUTE_RESULT.setAccessible(true);
      EXECUTE_DELIVERY = ExecuteStream.class.getDeclaredField("delivery");
      EXECUTE_DELIVERY.setAccessible(true);
      Constructor<PtyTerminal> pty =
          PtyTerminal.class.getDeclaredConstructor(TerminalListener.class, String.class);
      pty.setAccessible(true);
      PTY = pty.newInstance(
          new TerminalListener() {
            @Override
            public void onOutput(byte[] data) {}

            @Override
            public void onClosed(int code, String reason) {}

            @Override
            public void onFailure(Throwable error) {}
          },
          "fuzz");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void frames(byte[] input) throws Exception {
    terminal(input);
    execute(input);
  }

  private static void execute(byte[] input) throws Exception {
    ExecuteStream s =
        EXECUTE.newInstance(RunOptions.defaults(), "/session/fuzz/stream/execute", "fuzz");
    ((Delivery) EXECUTE_DELIVERY.get(s))
        .finish(); // frames are fed directly, the thread is not needed
    @SuppressWarnings("unchecked")
    CompletableFuture<RunResult> result = (CompletableFuture<RunResult>) EXECUTE_RESULT.get(s);
    for (String frame : new String(input, StandardCharsets.UTF_8).split("\n")) {
      s.frame(frame);
      if (result.isDone()) {
        break;
      }
    }
    if (result.isCompletedExceptionally()) {
      try {
        result.get();
      } catch (ExecutionException e) {
        assertInstanceOf(
            BackendException.class, e.getCause(), "a run fails with a typed exception");
      }
    }
  }

  private static void terminal(byte[] input) {
    // binary (25.6+) and text frames carry the same JSON; both paths go through onMessage
    boolean text = input.length % 2 == 0;
    for (String frame : new String(input, StandardCharsets.UTF_8).split("\n")) {
      PTY.onMessage(frame.getBytes(StandardCharsets.UTF_8), text);
    }
  }
}
