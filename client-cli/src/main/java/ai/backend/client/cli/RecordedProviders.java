package ai.backend.client.cli;

import ai.backend.client.internal.TransportDiscovery;
import ai.backend.client.port.TransportProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The transport providers discovery found in the CLI's jar, recorded by the training run next to the
 * class-data archive, so that a command creates them directly: a {@code ServiceLoader} scan reads the
 * service file through every class loader (the JDK's module image, a second handle on the jar), about
 * 20 ms of CPU on each command. The launcher passes the file only while it is newer than the jar, so
 * the record cannot disagree with what a scan would find.
 */
final class RecordedProviders {
  /** The record to use; set by the launcher. */
  static final String FILE_PROPERTY = "backendai.cli.providersFile";
  /** Where the training run writes the record; set by the launcher. */
  static final String OUT_PROPERTY = "backendai.cli.providersFile.out";

  private static final String HEADER = "# backend.ai transport providers v1";

  private RecordedProviders() {}

  /** Writes the class names of the providers a scan finds now. */
  static void write(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (TransportProvider p : TransportDiscovery.providers()) {
      lines.add(p.getClass().getName());
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** The recorded providers, created; empty when there is no usable record (then scan). */
  static Optional<List<TransportProvider>> load() {
    String file = System.getProperty(FILE_PROPERTY);
    return file == null ? Optional.empty() : load(Path.of(file));
  }

  static Optional<List<TransportProvider>> load(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.size() < 2 || !lines.get(0).equals(HEADER)) {
        return Optional.empty();
      }
      List<TransportProvider> providers = new ArrayList<>();
      for (String name : lines.subList(1, lines.size())) {
        Class<?> c = Class.forName(name, true, RecordedProviders.class.getClassLoader());
        if (!TransportProvider.class.isAssignableFrom(c)) {
          return Optional.empty();
        }
        providers.add((TransportProvider) c.getConstructor().newInstance());
      }
      return Optional.of(List.copyOf(providers));
    } catch (IOException | ReflectiveOperationException | LinkageError | RuntimeException e) {
      return Optional.empty(); // a stale or damaged record: the scan decides
    }
  }
}
