package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.Config;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.Session;
import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors a new user meets first, through the SDK against local-server: each message says what
 * happened and what to do, once.
 */
class ErrorMessagesTest {
  @RegisterExtension
  static final LocalServerExtension LOCAL = new LocalServerExtension();

  private static LocalServer server() {
    return LOCAL.server();
  }

  private static Session open(String accessKey, String secretKey) {
    Config c = Config.builder()
        .endpoint(server().uri().toString())
        .accessKey(accessKey)
        .secretKey(secretKey)
        .build();
    return Session.builder().config(c).transportName("jdk").build();
  }

  @Test
  void aWrongSecretKeySaysToCheckItAndTheClock() {
    try (Session s = open(server().accessKey(), "not-the-secret-key-0000000000000000000000")) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, () -> Kernel.of(s, "x").info());
      assertEquals(401, e.status());
      assertTrue(
          e.getMessage()
              .endsWith(". Check BACKEND_SECRET_KEY and that this machine's clock is right "
                  + "(the server allows ±15 min)."),
          e.getMessage());
      assertFalse(e.getMessage().contains("not-the-secret-key"), e.getMessage());
    }
  }

  @Test
  void anUnknownAccessKeySaysToCheckIt() {
    try (Session s = open("AKIANOSUCHKEY0000000", server().secretKey())) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, () -> Kernel.of(s, "x").info());
      assertTrue(e.getMessage().contains("Access key not found"), e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith(
                  "Check BACKEND_ACCESS_KEY: this server does not know the key or it is inactive."),
          e.getMessage());
    }
  }

  @Test
  void anUnknownImageListsTheAvailableOnes() {
    try (Session s = open(server().accessKey(), server().secretKey())) {
      NotFoundException e = assertThrows(
          NotFoundException.class,
          () -> Kernel.getOrCreate(
              s, "cobol:1", KernelOptions.builder().name("err-img").build()));
      assertEquals("image-not-found", e.typeName());
      assertTrue(
          e.getMessage().contains("Unknown image: cobol:1; available images: "), e.getMessage());
      assertTrue(e.getMessage().contains("python"), e.getMessage());
    }
  }

  @Test
  void aNameTakenByAnotherImageSaysSoOnce() {
    try (Session s = open(server().accessKey(), server().secretKey())) {
      Kernel k = Kernel.getOrCreate(
          s, "python:3.9", KernelOptions.builder().name("err-taken").build());
      try {
        AlreadyExistsException e = assertThrows(
            AlreadyExistsException.class,
            () -> Kernel.getOrCreate(
                s, "lua:5.3", KernelOptions.builder().name("err-taken").build()));
        String m = e.getMessage();
        assertTrue(
            m.contains(
                "Session err-taken runs python:3.9, not lua:5.3: use another name, or terminate it "
                    + "first."),
            m);
        assertEquals(
            m.indexOf("already exists"), m.lastIndexOf("already exists"), "said twice: " + m);
      } finally {
        k.destroy();
      }
    }
  }

  @Test
  void aNameTakenWithoutReuseSaysSoOnce() {
    try (Session s = open(server().accessKey(), server().secretKey())) {
      Kernel k = Kernel.getOrCreate(
          s, "python:3.9", KernelOptions.builder().name("err-noreuse").build());
      try {
        AlreadyExistsException e = assertThrows(
            AlreadyExistsException.class,
            () -> Kernel.getOrCreate(
                s,
                "python:3.9",
                KernelOptions.builder().name("err-noreuse").reuseIfExists(false).build()));
        String m = e.getMessage();
        assertTrue(
            m.startsWith("The session already exists: Session err-noreuse is live and reuse was not"
                + " asked for: use another name, or terminate it first. (HTTP 400"),
            m);
        assertFalse(m.contains("different image"), "the image is the same: " + m);
        assertEquals(
            m.indexOf("already exists"), m.lastIndexOf("already exists"), "said twice: " + m);
      } finally {
        k.destroy();
      }
    }
  }

  @Test
  void aMissingFileOnDownloadIsNotFound(@TempDir Path dir) {
    try (Session s = open(server().accessKey(), server().secretKey())) {
      Kernel k = Kernel.getOrCreate(
          s, "python:3.9", KernelOptions.builder().name("err-download").build());
      try {
        NotFoundException e = assertThrows(
            NotFoundException.class, () -> k.download(List.of("no-such-file.txt"), dir));
        assertTrue(e.getMessage().contains("The file is not found."), e.getMessage());
      } finally {
        k.destroy();
      }
    }
  }
}
