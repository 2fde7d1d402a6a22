package ai.backend.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SigningVectorsTest {
  @Test
  void bundledCopyIsTheSpecsFileWhereTheSpecIsPresent() throws Exception {
    String bundled = SigningVectors.bundled();
    assertTrue(bundled.contains("\"vectors\""), "not the vectors file");
    Optional<Path> spec = SigningVectors.specFile();
    if (spec.isPresent()) {
      assertEquals(
          Files.readString(spec.get()),
          bundled,
          "test-support's signing-vectors.json differs from " + spec.get()
              + ": copy the spec's file over it");
    }
  }
}
