package ai.backend.client;

import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.internal.ComputeSessionWire;
import ai.backend.client.internal.Dialect;
import ai.backend.client.internal.Endpoint;
import ai.backend.client.internal.FileTransfers;
import ai.backend.client.internal.Handlers;
import ai.backend.client.internal.RunLoop;
import ai.backend.client.internal.VFolderWire;
import ai.backend.client.internal.stream.ExecuteStream;
import ai.backend.client.internal.stream.PtyTerminal;
import ai.backend.client.internal.stream.TcpTunnel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The non-blocking {@link Kernel}: every call returns a {@link CompletableFuture} at once and no thread
 * waits for a response (the transport's async API completes it; response bodies are handled on the
 * session's callback threads). Failures complete the future exceptionally with the same {@link
 * BackendException} subclasses the blocking API throws.
 *
 * <p>Like {@link Kernel}, closing it destroys the compute session once; {@link #close()} is the one
 * call here that waits (for try-with-resources), {@link #destroy()} is its non-blocking form.
 */
public final class AsyncKernel implements AutoCloseable {
  private final Session session;
  private final String name;
  private final String id;
  private final boolean created;
  private final String status;
  /** Shared with the {@link #sync()} twin: see {@link Kernel#close()}. */
  private final AtomicBoolean destroyed;

  AsyncKernel(
      Session session,
      String name,
      String id,
      boolean created,
      String status,
      AtomicBoolean destroyed) {
    this.session = Objects.requireNonNull(session, "session");
    this.name = name;
    this.id = id;
    this.created = created;
    this.status = status;
    this.destroyed = destroyed;
  }

  /** Get-or-create with a generated name. */
  public static CompletableFuture<AsyncKernel> getOrCreate(AsyncSession session, String image) {
    return getOrCreate(session, image, KernelOptions.defaults());
  }

  /** See {@link Kernel#getOrCreate(Session, String, KernelOptions)}. */
  public static CompletableFuture<AsyncKernel> getOrCreate(
      AsyncSession async, String image, KernelOptions options) {
    Session session = async.sync();
    KernelOptions o = options == null ? KernelOptions.defaults() : options;
    String name = o.name() != null ? o.name() : KernelOptions.generateName();
    List<String> folders;
    try {
      folders = ComputeSessionWire.mountNames(session.dialect(), o, session.config());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // v9 mounts by id too: resolve the names first, all at once
    Map<String, CompletableFuture<String>> ids = new LinkedHashMap<>();
    for (String f : folders) {
      ids.put(f, session.core().callAsync(VFolderWire.resolveId(session.dialect(), f)));
    }
    return CompletableFuture.allOf(ids.values().toArray(CompletableFuture[]::new))
        .thenCompose(done -> {
          Map<String, String> resolved = new LinkedHashMap<>();
          ids.forEach((f, id) -> resolved.put(f, id.join()));
          Endpoint<ComputeSessionWire.Created> create = ComputeSessionWire.createSession(
              session.dialect(), session.config(), image, name, o, resolved);
          if (o.awaitRunning() == null) {
            return session.core().callAsync(create).thenApply(c -> of(session, c));
          }
          return createAwaitingRunning(session, create, name, o.awaitRunning())
              .thenApply(c -> of(session, c));
        });
  }

  /**
   * The one implementation of get-or-create's wait (the blocking {@link Kernel#getOrCreate} blocks on
   * it): subscribes to the session's events, then creates; a session still being scheduled completes
   * once its RUNNING event arrives, with that status. Cancelling the future closes the subscription.
   */
  static CompletableFuture<ComputeSessionWire.Created> createAwaitingRunning(
      Session session, Endpoint<ComputeSessionWire.Created> create, String name, Duration timeout) {
    CompletableFuture<ComputeSessionWire.Created> result = new CompletableFuture<>();
    // subscribe before creating, so the start event cannot slip by unseen
    session
        .async()
        .events()
        .waiter(name, Events.eventNamesOf("RUNNING"))
        .whenComplete((w, subscribeFailed) -> {
          if (subscribeFailed != null) {
            result.completeExceptionally(unwrap(subscribeFailed));
            return;
          }
          result.whenComplete((c, x) -> w.close());
          if (result.isDone()) {
            return; // cancelled while subscribing
          }
          session
              .core()
              .callAsync(create)
              .thenCompose(c -> Kernel.isScheduling(c.status())
                  ? w.future(timeout).thenApply(e -> running(c))
                  : CompletableFuture.completedFuture(c))
              .whenComplete((c, x) -> {
                if (x != null) {
                  result.completeExceptionally(unwrap(x));
                } else {
                  result.complete(c);
                }
              });
        });
    return result;
  }

  private static ComputeSessionWire.Created running(ComputeSessionWire.Created c) {
    return new ComputeSessionWire.Created(c.name(), c.id(), "RUNNING", c.created(), c.raw());
  }

  private static Throwable unwrap(Throwable x) {
    return x instanceof java.util.concurrent.CompletionException && x.getCause() != null
        ? x.getCause()
        : x;
  }

  private static AsyncKernel of(Session session, ComputeSessionWire.Created c) {
    return new AsyncKernel(session, c.name(), c.id(), c.created(), c.status(), new AtomicBoolean());
  }

  /** A handle to an existing session; nothing is sent. */
  public static AsyncKernel of(AsyncSession session, String nameOrId) {
    return Kernel.of(session.sync(), nameOrId).async();
  }

  public String name() {
    return name;
  }

  public String id() {
    return id;
  }

  public boolean isCreated() {
    return created;
  }

  public String status() {
    return status;
  }

  /** The API session that sends this handle's calls, as its non-blocking view. */
  public AsyncSession session() {
    return session.async();
  }

  /** The blocking view of this handle (closing either one destroys the compute session once). */
  public Kernel sync() {
    return new Kernel(session, name, id, created, status, destroyed);
  }

  private ApiCore core() {
    return session.core();
  }

  private Dialect dialect() {
    return session.dialect();
  }

  /** Builds the request now (so argument errors fail the future, not the caller) and sends it. */
  private static <T> CompletableFuture<T> safely(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** See {@link Kernel#info()}. */
  public CompletableFuture<ComputeSessionInfo> info() {
    return core().callAsync(() -> ComputeSessionWire.info(dialect(), name));
  }

  /** See {@link Kernel#destroy()}. */
  public CompletableFuture<DestroyResult> destroy() {
    return core()
        .callAsync(() -> ComputeSessionWire.destroy(dialect(), name))
        .whenComplete((r, x) -> {
          if (x == null) {
            destroyed.set(true);
          }
        });
  }

  /**
   * {@link Kernel#close()}: destroys the compute session unless already done, and waits for the answer
   * (try-with-resources cannot wait for a future; use {@link #destroy()} not to block).
   */
  @Override
  public void close() {
    sync().close();
  }

  /** See {@link Kernel#restart()}. */
  public CompletableFuture<Void> restart() {
    return core().callAsync(() -> ComputeSessionWire.restart(dialect(), name));
  }

  /** See {@link Kernel#interrupt()}. */
  public CompletableFuture<Void> interrupt() {
    return core().callAsync(() -> ComputeSessionWire.interrupt(dialect(), name));
  }

  /** See {@link Kernel#complete(String)}. */
  public CompletableFuture<List<String>> complete(String code) {
    return core().callAsync(() -> ComputeSessionWire.complete(dialect(), name, code));
  }

  /** See {@link Kernel#logs()}. */
  public CompletableFuture<String> logs() {
    return core().callAsync(() -> ComputeSessionWire.logs(dialect(), name));
  }

  /** See {@link Kernel#execute(String)}: one call, which may end {@code continued}; {@link #run} runs to the end. */
  public CompletableFuture<ExecutionResult> execute(String code) {
    return execute(ExecRequest.query(code));
  }

  /** See {@link Kernel#execute(ExecRequest)}. */
  public CompletableFuture<ExecutionResult> execute(ExecRequest request) {
    return core().callAsync(() -> ComputeSessionWire.execute(dialect(), name, request));
  }

  public CompletableFuture<RunResult> run(String code) {
    return run(code, RunOptions.defaults());
  }

  /**
   * The run loop as a chain of futures. Console items reach the listener on callback threads, in
   * order; {@code waiting-input} asks {@link RunOptions#asyncInputProvider()} (or the blocking provider).
   */
  public CompletableFuture<RunResult> run(String code, RunOptions options) {
    return safely(() -> new RunLoop(options).runAsync(ExecRequest.query(code), this::execute));
  }

  public CompletableFuture<RunResult> runBatch(BatchOptions batch, RunOptions options) {
    return safely(() -> new RunLoop(options).runAsync(ExecRequest.batch(batch), this::execute));
  }

  public CompletableFuture<RunResult> runBatch(
      List<Path> files, Path baseDir, BatchOptions batch, RunOptions options) {
    return upload(files, baseDir, null).thenCompose(v -> runBatch(batch, options));
  }

  /** Whether the negotiated API version offers the streaming routes (PTY, streaming execute): v4.20190115+. */
  public boolean supportsStreaming() {
    return dialect().version().isAtLeast(ApiVersion.V4_20190115);
  }

  /**
   * Runs {@code code} over the streaming execute socket (spec §8.2): console items reach the listener
   * as the server flushes them (every 0.2 s), not in the REST loop's 2 s windows. Same options and
   * result as {@link #run(String, RunOptions)}, except that {@link RunResult#runId()} is null (the
   * server does not tell it). Cancelling the future closes the socket, and the server interrupts the run.
   */
  public CompletableFuture<RunResult> streamRun(String code, RunOptions options) {
    return streamExecute(ExecRequest.query(code), options);
  }

  /** Batch mode over the streaming execute socket; see {@link #streamRun}. */
  public CompletableFuture<RunResult> streamRunBatch(BatchOptions batch, RunOptions options) {
    return safely(() -> streamExecute(ExecRequest.batch(batch), options));
  }

  /** A query or batch {@code request} over the streaming execute socket; see {@link #streamRun}. */
  public CompletableFuture<RunResult> streamExecute(ExecRequest request, RunOptions options) {
    return safely(() -> {
      requireStreaming("streaming execute");
      if (!"query".equals(request.mode()) && !"batch".equals(request.mode())) {
        throw new InvalidArgumentException(
            "streaming execute starts query or batch runs, not " + request.mode());
      }
      CompletableFuture<RunResult> run = ExecuteStream.run(core(), name, request, options);
      // closing the session cancels a streamed run still going (the socket closes, the server
      // interrupts it)
      session.track(() -> run.cancel(true), run);
      return run;
    });
  }

  /**
   * Opens the session's terminal (spec §8.1). Output goes to {@code listener} on the stream's own
   * thread; with a null listener, subscribe to {@link Terminal#output()}. The caller closes the terminal.
   */
  public CompletableFuture<Terminal> streamPty(TerminalListener listener) {
    return safely(() -> {
      requireStreaming("terminals");
      return PtyTerminal.open(core(), name, listener).thenApply(t -> {
        session.track(t, t.closed());
        return t;
      });
    });
  }

  /** {@link #streamPty(TerminalListener)} with the output as a {@link Terminal#output()} publisher. */
  public CompletableFuture<Terminal> streamPty() {
    return streamPty(null);
  }

  /**
   * Connects to {@code service} (e.g. {@code jupyter}; local-server offers {@code http}) running in the
   * session, through the TCP proxy of spec §8.3: one tunnel per TCP connection. An unknown service fails
   * with {@link NotFoundException}.
   */
  public CompletableFuture<AppTunnel> connectApp(String service, AppTunnel.Listener listener) {
    return safely(() -> {
      requireStreaming("app tunnels");
      if (service == null || service.isBlank()) {
        throw new InvalidArgumentException("service name is empty");
      }
      return TcpTunnel.open(
              core(), name, service, java.util.Objects.requireNonNull(listener, "listener"))
          .thenApply(t -> {
            session.track(t, t.closed());
            return t;
          });
    });
  }

  private void requireStreaming(String what) {
    if (!supportsStreaming()) {
      throw new InvalidArgumentException(what
          + " needs API v4.20190115 or later; the server speaks " + dialect().version());
    }
  }

  public CompletableFuture<Void> upload(List<Path> files, Path baseDir) {
    return upload(files, baseDir, null);
  }

  /** See {@link Kernel#upload(List, Path, ProgressListener)}; a refused file fails the future, nothing sent. */
  public CompletableFuture<Void> upload(List<Path> files, Path baseDir, ProgressListener listener) {
    return safely(() -> {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (ApiRequest r : FileTransfers.uploadRequests(dialect(), name, files, baseDir, listener)) {
        chain = chain.thenCompose(v -> core().callAsync(r, Handlers.discard()));
      }
      return chain;
    });
  }

  public CompletableFuture<List<Path>> download(List<String> remotePaths, Path destination) {
    return download(remotePaths, destination, null);
  }

  /** See {@link Kernel#download(List, Path, ProgressListener)}. */
  public CompletableFuture<List<Path>> download(
      List<String> remotePaths, Path destination, ProgressListener listener) {
    return safely(() -> {
      List<Path> out = new ArrayList<>();
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (ApiRequest r : FileTransfers.downloadRequests(dialect(), name, remotePaths)) {
        chain = chain
            .thenCompose(v -> core().callAsync(r, FileTransfers.extractTo(destination, listener)))
            .thenAccept(out::addAll);
      }
      return chain.thenApply(v -> List.copyOf(out));
    });
  }

  public CompletableFuture<List<FileEntry>> listFiles() {
    return listFiles(".");
  }

  public CompletableFuture<List<FileEntry>> listFiles(String path) {
    return core().callAsync(() -> ComputeSessionWire.listFiles(dialect(), name, path));
  }

  /** See {@link Kernel#awaitStatus}; the subscription connects on a callback thread. */
  public CompletableFuture<ComputeSessionEvent> awaitStatus(String targetStatus, Duration timeout) {
    return session().events().awaitStatus(name, targetStatus, timeout);
  }

  @Override
  public String toString() {
    return "AsyncKernel[" + name + (id != null ? ", " + id : "") + "]";
  }
}
