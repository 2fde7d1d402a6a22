package ai.backend.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The signing vectors every signer and verifier must reproduce byte for byte. The project's spec
 * keeps them in {@code shared/spec/signing-vectors.json} beside the repository; a clone without it
 * (any user's) uses the copy bundled here, which a test keeps identical to the spec's.
 */
public final class SigningVectors {
  static final String RESOURCE = "signing-vectors.json";

  private SigningVectors() {}

  /** The vectors' JSON text: the spec's file when it is beside the repository, else the bundled copy. */
  public static String json() {
    try {
      Optional<Path> spec = specFile();
      return spec.isPresent() ? Files.readString(spec.get(), StandardCharsets.UTF_8) : bundled();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bundled copy. */
  static String bundled() throws IOException {
    try (InputStream in = SigningVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the bundled " + RESOURCE + " is missing from test-support");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {@code shared/spec/signing-vectors.json} in or beside a parent of the working directory. */
  static Optional<Path> specFile() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      for (Path candidate : List.of(
          d.resolve("shared/spec/signing-vectors.json"),
          d.resolve("../shared/spec/signing-vectors.json").normalize())) {
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
