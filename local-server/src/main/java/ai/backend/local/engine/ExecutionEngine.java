package ai.backend.local.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Starts kernels for runtimes installed on this machine. Closing it closes every kernel it started. */
public interface ExecutionEngine extends AutoCloseable {

  /** Runtime names (e.g. {@code python}, {@code c}, {@code lua5}) whose tools are installed here. */
  Set<String> availableRuntimes();

  /**
   * Maps an image reference ({@code python}, {@code python:3.6-ubuntu18.04}, {@code lablup/python:3.9},
   * {@code cr.backend.ai/stable/python:3.9-ubuntu20.04}, {@code lua:5.3}, {@code c}, ...) to a runtime
   * name, or throws {@link UnknownImageException} for an image that maps to no known runtime.
   */
  String resolveRuntime(String image);

  /**
   * Why the runtime of {@code image} cannot start on this machine (the missing tool and the package
   * that installs it), or empty when it can.
   *
   * @throws UnknownImageException the image maps to no runtime
   */
  default Optional<String> unavailable(String image) {
    String runtime = resolveRuntime(image);
    return availableRuntimes().contains(runtime)
        ? Optional.empty()
        : Optional.of(
            "Runtime " + runtime + " (image " + image + ") is not installed on this machine");
  }

  /**
   * Starts a kernel whose work directory (the session's {@code /home/work}) is {@code workDir}.
   *
   * @throws UnknownImageException the image maps to no runtime
   * @throws RuntimeUnavailableException the runtime is known but its tools are not installed
   */
  default Kernel start(
      String image, Path workDir, Map<String, String> environ, KernelLimits limits) {
    return start(image, workDir, environ, limits, List.of());
  }

  /**
   * Starts a kernel as {@link #start(String, Path, Map, KernelLimits)} does, whose processes cannot
   * write into the directories {@code readOnly} (the roots of folders mounted read-only).
   *
   * @throws UnknownImageException the image maps to no runtime
   * @throws RuntimeUnavailableException the runtime is known but its tools are not installed, or
   *     {@code readOnly} is not empty and {@link #readOnlyMountsUnavailable()} says why it cannot be
   */
  Kernel start(
      String image,
      Path workDir,
      Map<String, String> environ,
      KernelLimits limits,
      List<Path> readOnly);

  /** Why this engine cannot enforce read-only mounts on this machine, or empty when it can. */
  Optional<String> readOnlyMountsUnavailable();

  /** Kills every kernel and its whole process tree. */
  @Override
  void close();
}
