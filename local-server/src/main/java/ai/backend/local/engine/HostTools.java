package ai.backend.local.engine;

import java.util.Optional;

/**
 * This machine's tools as the engine sees them (real python interpreter behind a pyenv shim, the
 * kernels' {@code PATH}), for server parts that start processes outside kernels: terminals and app
 * services. Looks the tools up once, at construction.
 */
public final class HostTools {
  private final Toolchain tools;
  private final ReadOnlyBinds binds;

  private HostTools(String searchPath) {
    tools = new Toolchain(searchPath);
    binds = new ReadOnlyBinds(tools, java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Tools found on {@code searchPath} (a {@code PATH}-style list). */
  public static HostTools find(String searchPath) {
    return new HostTools(searchPath);
  }

  /** The real {@code python3} interpreter, if installed. */
  public Optional<String> python() {
    return Optional.ofNullable(tools.python);
  }

  /** {@code bash}, if installed. */
  public Optional<String> bash() {
    return Optional.ofNullable(tools.bash);
  }

  /** A POSIX shell ({@code /bin/sh} when present). */
  public Optional<String> sh() {
    return Optional.ofNullable(tools.sh);
  }

  /**
   * The command prefix that resets every signal to its default disposition before the command runs
   * (empty when this machine has no tool for it). Every process the server starts goes through it.
   */
  public java.util.List<String> defaultSignals() {
    return tools.defaultSignals;
  }

  /**
   * The command prefix that starts a process of a session whose folders {@code readOnly} are
   * mounted read-only, as the session's kernel is started (empty when there are none).
   *
   * @throws RuntimeUnavailableException this machine cannot enforce read-only mounts
   */
  public java.util.List<String> readOnlyPrefix(java.util.List<java.nio.file.Path> readOnly) {
    return binds.prefix(readOnly);
  }

  /** {@code PATH} the kernels run with: the real python's directory first. */
  public String kernelPath() {
    return tools.kernelPath();
  }
}
