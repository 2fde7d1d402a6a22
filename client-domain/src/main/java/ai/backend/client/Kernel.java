package ai.backend.client;

import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.UnsafeDownloadException;
import ai.backend.client.errors.WaitTimeoutException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.internal.ComputeSessionWire;
import ai.backend.client.internal.Dialect;
import ai.backend.client.internal.Endpoint;
import ai.backend.client.internal.FileTransfers;
import ai.backend.client.internal.Handlers;
import ai.backend.client.internal.RunLoop;
import ai.backend.client.internal.VFolderWire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A compute session on the server (the seed SDK's {@code Kernel}); blocking calls, {@link AsyncKernel}
 * is the same calls returning futures. Thread-safe: it is only a name plus the {@link Session} that
 * sends the calls. The same code works against every server generation: routes and field names follow
 * the session's negotiated API version.
 *
 * <p>Closing a {@code Kernel} destroys the compute session (a try-with-resources block owns it for its
 * duration); see {@link #close()}. A handle you do not want to destroy is simply not closed.
 *
 * <pre>{@code
 * try (Session session = Session.open();
 *     Kernel k = Kernel.getOrCreate(session, "python:3.9", KernelOptions.builder().name("my-session").build())) {
 *   System.out.print(k.run("print('hello world')").stdout());
 * }
 * }</pre>
 */
public final class Kernel implements AutoCloseable {
  private final Session session;
  private final String name;
  private final String id;
  private final boolean created;
  private final String status;
  /** Set once this handle (or its async twin) destroyed the session, so that close() does not again. */
  private final AtomicBoolean destroyed;

  Kernel(Session session, String name, String id, boolean created, String status) {
    this(session, name, id, created, status, new AtomicBoolean());
  }

  Kernel(
      Session session,
      String name,
      String id,
      boolean created,
      String status,
      AtomicBoolean destroyed) {
    this.session = Objects.requireNonNull(session, "session");
    this.name = Objects.requireNonNull(name, "name");
    this.id = id;
    this.created = created;
    this.status = status;
    this.destroyed = destroyed;
  }

  /** Get-or-create with a generated name and no options. */
  public static Kernel getOrCreate(Session session, String image) {
    return getOrCreate(session, image, KernelOptions.defaults());
  }

  /**
   * Creates a session of {@code image}, or reuses the live one with the same name and image ({@link
   * #isCreated()} tells which). With {@link KernelOptions#awaitRunning()} the session is enqueued and this
   * call waits, watching session events, until it runs.
   *
   * @throws AlreadyExistsException when the name is taken by a session of another image
   * @throws InvalidArgumentException for an invalid name or options the server's version cannot honour
   * @throws WaitTimeoutException when awaitRunning expires first
   */
  public static Kernel getOrCreate(Session session, String image, KernelOptions options) {
    KernelOptions o = options == null ? KernelOptions.defaults() : options;
    String name = o.name() != null ? o.name() : KernelOptions.generateName();
    Dialect d = session.dialect();
    Map<String, String> ids = new LinkedHashMap<>();
    for (String folder : ComputeSessionWire.mountNames(d, o, session.config())) {
      ids.put(folder, session.core().call(VFolderWire.resolveId(d, folder)));
    }
    Endpoint<ComputeSessionWire.Created> create =
        ComputeSessionWire.createSession(d, session.config(), image, name, o, ids);
    if (o.awaitRunning() == null) {
      return of(session, session.core().call(create));
    }
    return of(
        session,
        await(
            AsyncKernel.createAwaitingRunning(session, create, name, o.awaitRunning()),
            "the session to start"));
  }

  private static final java.util.Set<String> SCHEDULING =
      java.util.Set.of("PENDING", "SCHEDULED", "PULLING", "PREPARED", "PREPARING", "CREATING");

  /** Whether a create answer's status means the session is still being scheduled or started. */
  static boolean isScheduling(String status) {
    return status != null && SCHEDULING.contains(status.toUpperCase(java.util.Locale.ROOT));
  }

  static Kernel of(Session session, ComputeSessionWire.Created c) {
    return new Kernel(session, c.name(), c.id(), c.created(), c.status());
  }

  /** A handle to an existing session by name (or UUID on v5+); nothing is sent. */
  public static Kernel of(Session session, String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      throw new InvalidArgumentException("session name must not be empty");
    }
    return new Kernel(session, nameOrId, null, false, null);
  }

  /** The session name (v4: the client token). */
  public String name() {
    return name;
  }

  /** The session UUID (v5+ servers, when known from create), else null. */
  public String id() {
    return id;
  }

  /** Whether {@code getOrCreate} created the session (false: an existing one was reused). */
  public boolean isCreated() {
    return created;
  }

  /** The status create reported ({@code RUNNING}, {@code PENDING}, {@code TIMEOUT}…; null on v4 or from {@link #of}). */
  public String status() {
    return status;
  }

  /** The API session that sends this handle's calls. */
  public Session session() {
    return session;
  }

  /** The non-blocking view of this handle (closing either one destroys the compute session once). */
  public AsyncKernel async() {
    return new AsyncKernel(session, name, id, created, status, destroyed);
  }

  private ApiCore core() {
    return session.core();
  }

  private Dialect dialect() {
    return session.dialect();
  }

  /** {@code GET …/<name>}. @throws NotFoundException when the session does not exist */
  public ComputeSessionInfo info() {
    return core().call(ComputeSessionWire.info(dialect(), name));
  }

  /**
   * Terminates the session; returns what the server reported (v4: last container metrics). A later
   * {@link #close()} of this handle sends nothing.
   */
  public DestroyResult destroy() {
    DestroyResult r = core().call(ComputeSessionWire.destroy(dialect(), name));
    destroyed.set(true);
    return r;
  }

  /**
   * Destroys the compute session unless this handle (or its {@link #async()} twin) already did;
   * idempotent. A session that is already gone on the server ({@link NotFoundException}) counts as
   * destroyed; other failures are thrown. The API {@link Session} stays open.
   */
  @Override
  public void close() {
    if (destroyed.compareAndSet(false, true)) {
      try {
        core().call(ComputeSessionWire.destroy(dialect(), name));
      } catch (NotFoundException gone) {
        // destroyed elsewhere or expired: what close() wants is already the case
      } catch (RuntimeException e) {
        destroyed.set(false);
        throw e;
      }
    }
  }

  /** Restarts the kernel: interpreter state is lost, files are kept. */
  public void restart() {
    core().call(ComputeSessionWire.restart(dialect(), name));
  }

  /** Interrupts the current run (best effort, like SIGINT). */
  public void interrupt() {
    core().call(ComputeSessionWire.interrupt(dialect(), name));
  }

  /** Code completion at the end of {@code code}; many runtimes return an empty list. */
  public List<String> complete(String code) {
    return core().call(ComputeSessionWire.complete(dialect(), name, code));
  }

  /** The container's stdout/stderr log. */
  public String logs() {
    return core().call(ComputeSessionWire.logs(dialect(), name));
  }

  /**
   * Runs {@code code} as a new query-mode run: one call, which returns after about 2 s with {@code
   * continued} and the output so far if the code is still running. To run code to its end use {@link
   * #run(String)}.
   */
  public ExecutionResult execute(String code) {
    return execute(ExecRequest.query(code));
  }

  /** One execute call (query, batch, continue or input). */
  public ExecutionResult execute(ExecRequest request) {
    return core().call(ComputeSessionWire.execute(dialect(), name, request));
  }

  /** Runs {@code code} to the end, collecting the console. */
  public RunResult run(String code) {
    return run(code, RunOptions.defaults());
  }

  /** Runs {@code code} to the end: continues, answers input through the options, stops on finished/exec-timeout. */
  public RunResult run(String code, RunOptions options) {
    return new RunLoop(options).runSync(ExecRequest.query(code), this::execute);
  }

  /** Batch mode over the files already uploaded: clean/build/exec steps (spec §5.7). */
  public RunResult runBatch(BatchOptions batch, RunOptions options) {
    return new RunLoop(options).runSync(ExecRequest.batch(batch), this::execute);
  }

  /** Whether the negotiated API version offers the streaming routes (PTY, streaming execute): v4.20190115+. */
  public boolean supportsStreaming() {
    return async().supportsStreaming();
  }

  /**
   * {@link #run(String, RunOptions)} over the streaming execute socket (spec §8.2): output arrives as the
   * server flushes it. Interrupting the calling thread closes the socket (the server interrupts the run)
   * and throws {@link BackendIoException}.
   */
  public RunResult streamRun(String code, RunOptions options) {
    return await(async().streamRun(code, options));
  }

  /** {@link #runBatch(BatchOptions, RunOptions)} over the streaming execute socket. */
  public RunResult streamRunBatch(BatchOptions batch, RunOptions options) {
    return await(async().streamRunBatch(batch, options));
  }

  /** A query or batch {@code request} over the streaming execute socket; see {@link #streamRun}. */
  public RunResult streamExecute(ExecRequest request, RunOptions options) {
    return await(async().streamExecute(request, options));
  }

  /** Opens the session's terminal (spec §8.1); blocks until it is open. See {@link AsyncKernel#streamPty}. */
  public Terminal streamPty(TerminalListener listener) {
    return await(async().streamPty(listener));
  }

  /** {@link #streamPty(TerminalListener)} with the output as a {@link Terminal#output()} publisher. */
  public Terminal streamPty() {
    return streamPty(null);
  }

  /** Connects to a service in the session (spec §8.3); blocks until open. See {@link AsyncKernel#connectApp}. */
  public AppTunnel connectApp(String service, AppTunnel.Listener listener) {
    return await(async().connectApp(service, listener));
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
    return await(f, "the stream");
  }

  /** Blocks for {@code f}; an interrupt cancels it (which releases what it holds). */
  private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new BackendIoException("interrupted while waiting for " + what, e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new BackendIoException(String.valueOf(c), c);
    }
  }

  /** Uploads {@code files} (relative paths resolve against {@code baseDir}) and then runs the batch. */
  public RunResult runBatch(
      List<Path> files, Path baseDir, BatchOptions batch, RunOptions options) {
    upload(files, baseDir);
    return runBatch(batch, options);
  }

  /** See {@link #upload(List, Path, ProgressListener)}. */
  public void upload(List<Path> files, Path baseDir) {
    upload(files, baseDir, null);
  }

  /**
   * Uploads files to {@code /home/work/<path relative to baseDir>}; a relative path in {@code files} is
   * resolved against {@code baseDir} (not the working directory). Everything is checked before sending:
   * a missing file, one outside {@code baseDir} (also through a symlink) or one of 1 MiB or more fails
   * with {@link InvalidArgumentException} and nothing is sent. More than 20 files go in several requests.
   */
  public void upload(List<Path> files, Path baseDir, ProgressListener listener) {
    for (ApiRequest r : FileTransfers.uploadRequests(dialect(), name, files, baseDir, listener)) {
      core().call(r, Handlers.discard());
    }
  }

  /** See {@link #download(List, Path, ProgressListener)}. */
  public List<Path> download(List<String> remotePaths, Path destination) {
    return download(remotePaths, destination, null);
  }

  /**
   * Downloads files or directories (relative to {@code /home/work}) and extracts them into {@code
   * destination}. Members with absolute names, {@code ..} or links leading outside the destination are
   * refused ({@link UnsafeDownloadException}); files are written under a temporary name and renamed when
   * complete.
   *
   * @return the extracted paths
   */
  public List<Path> download(
      List<String> remotePaths, Path destination, ProgressListener listener) {
    List<Path> out = new ArrayList<>();
    for (ApiRequest r : FileTransfers.downloadRequests(dialect(), name, remotePaths)) {
      out.addAll(core().call(r, FileTransfers.extractTo(destination, listener)));
    }
    return List.copyOf(out);
  }

  /** Lists {@code /home/work}. */
  public List<FileEntry> listFiles() {
    return listFiles(".");
  }

  /** Lists a directory relative to {@code /home/work}. */
  public List<FileEntry> listFiles(String path) {
    return core().call(ComputeSessionWire.listFiles(dialect(), name, path));
  }

  /** Waits until the session reaches {@code status}, watching events (v4.20190615+); see {@link Events#awaitStatus}. */
  public ComputeSessionEvent awaitStatus(String targetStatus, Duration timeout) {
    return session.events().awaitStatus(name, targetStatus, timeout);
  }

  @Override
  public String toString() {
    return "Kernel[" + name + (id != null ? ", " + id : "") + "]";
  }
}
