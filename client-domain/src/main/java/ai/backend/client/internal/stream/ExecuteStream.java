package ai.backend.client.internal.stream;

import ai.backend.client.ExecRequest;
import ai.backend.client.ExecutionResult;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.BadRequestException;
import ai.backend.client.errors.ServerException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ComputeSessionWire;
import ai.backend.client.internal.Json;
import ai.backend.client.internal.RunLoop;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One run over the streaming execute socket of spec §8.2: the first frame starts the run, every
 * result frame goes through the same {@link RunLoop} bookkeeping as the REST loop, a {@code
 * waiting-input} frame is answered with one raw text frame, and {@code finished}/{@code exec-timeout}
 * end it. Cancelling the returned future closes the socket, on which the server interrupts the run.
 */
public final class ExecuteStream {
  private final RunLoop loop;
  private final String path;
  private final Delivery delivery;
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();
  private volatile WebSocketChannel channel;

  private ExecuteStream(RunOptions options, String path, String session) {
    this.loop = new RunLoop(options);
    this.path = path;
    this.delivery = new Delivery(StreamSockets.threadName("exec", session));
  }

  /** Starts {@code request} (query or batch) in session {@code name}; the future completes with the run. */
  public static CompletableFuture<RunResult> run(
      ApiCore core, String name, ExecRequest request, RunOptions options) {
    String path = StreamSockets.path(core.dialect(), name, "execute");
    ExecuteStream s = new ExecuteStream(options, path, name);
    String first = Json.write(firstFrame(request));
    StreamSockets.open(core, path, List.of(), s.listener()).whenComplete((ch, error) -> {
      if (error != null) {
        s.fail(error);
        return;
      }
      s.channel = ch;
      if (s.result.isDone()) {
        ch.abort(); // cancelled while connecting
        return;
      }
      ch.sendText(first).whenComplete((v, e) -> {
        if (e != null) {
          s.fail(new BackendIoException("could not start the run: " + e.getMessage(), e));
        }
      });
    });
    // a caller that gives up (cancel, timeout) closes the socket: the server then interrupts the
    // run
    s.result.whenComplete((r, e) -> {
      WebSocketChannel ch = s.channel;
      if (e != null && ch != null && ch.isOpen()) {
        ch.close(1000, "cancelled").exceptionally(x -> {
          ch.abort();
          return null;
        });
      }
      s.delivery.finish();
    });
    return s.result;
  }

  /** {@code {"mode", "code", "options"}}; batch options as the REST call sends them. */
  static Map<String, Object> firstFrame(ExecRequest r) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("mode", r.mode());
    f.put("code", r.code() == null ? "" : r.code());
    f.put(
        "options",
        r.batchOptions() == null
            ? new LinkedHashMap<>()
            : ComputeSessionWire.batchOptions(r.batchOptions()));
    return f;
  }

  private WebSocketListener listener() {
    return new WebSocketListener() {
      @Override
      public void onText(WebSocketChannel ch, String text) {
        delivery.submit(() -> frame(text));
      }

      @Override
      public void onBinary(WebSocketChannel ch, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        String text = new String(b, StandardCharsets.UTF_8);
        delivery.submit(() -> frame(text));
      }

      @Override
      public void onClose(WebSocketChannel ch, int code, String reason) {
        delivery.submit(() -> fail(new BackendIoException(
            "the server closed the execute stream before the run " + "finished (code " + code
                + (reason == null || reason.isBlank() ? "" : ", " + reason) + ")")));
      }

      @Override
      public void onError(WebSocketChannel ch, Throwable error) {
        delivery.submit(() ->
            fail(new BackendIoException("execute stream failed: " + error.getMessage(), error)));
      }
    };
  }

  /** Handles one server frame, on the delivery thread. */
  void frame(String text) {
    if (result.isDone()) {
      return;
    }
    try {
      JsonElement e = Json.parse(text);
      if (!e.isJsonObject()) {
        throw new com.google.gson.JsonParseException("not a JSON object");
      }
      JsonObject o = e.getAsJsonObject();
      String status = Json.string(o, "status");
      if ("error".equals(status) || "server-restarting".equals(status)) {
        fail(serverError(status, Json.string(o, "msg")));
        return;
      }
      JsonObject wrapped = new JsonObject();
      wrapped.add("result", o);
      ExecutionResult r = ComputeSessionWire.parseExecution(wrapped);
      loop.accept(r);
      if (r.status().isTerminal()) {
        result.complete(loop.result(r));
        WebSocketChannel ch = channel;
        if (ch != null) {
          ch.close(1000, "").exceptionally(x -> null);
        }
        return;
      }
      loop.checkDeadline(r);
      if (r.status() == ExecutionStatus.WAITING_INPUT) {
        loop.readInput(r).whenComplete((line, x) -> {
          if (x != null) {
            fail(x);
          } else {
            channel.sendText(line == null ? "" : line).exceptionally(se -> {
              fail(new BackendIoException("could not send the input line: " + se.getMessage(), se));
              return null;
            });
          }
        });
      }
    } catch (RuntimeException ex) {
      // what ApiCore also reports as a malformed response
      if (ex instanceof com.google.gson.JsonParseException
          || ex instanceof IllegalStateException
          || ex instanceof ClassCastException) {
        fail(new ai.backend.client.errors.MalformedResponseException(
            "malformed execute stream frame: " + ex.getMessage(), 0, ex));
      } else {
        fail(ex);
      }
    }
  }

  private BackendApiException serverError(String status, String msg) {
    String m = msg == null ? status : msg;
    boolean badRequest = "error".equals(status) && m.startsWith("Invalid API parameters");
    BackendApiException.Details d = new BackendApiException.Details(
        badRequest ? 400 : 503,
        null,
        status,
        m,
        null,
        null,
        null,
        HttpHeaders.empty(),
        "GET",
        path);
    return badRequest ? new BadRequestException(m, d) : new ServerException(m, d);
  }

  private void fail(Throwable error) {
    Throwable e =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    result.completeExceptionally(e);
  }
}
