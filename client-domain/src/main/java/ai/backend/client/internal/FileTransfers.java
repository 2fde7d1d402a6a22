package ai.backend.client.internal;

import ai.backend.client.ProgressListener;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.UnsafeDownloadException;
import ai.backend.client.internal.files.MalformedMultipartException;
import ai.backend.client.internal.files.MalformedTarException;
import ai.backend.client.internal.files.MultipartForm;
import ai.backend.client.internal.files.MultipartMixedReader;
import ai.backend.client.internal.files.ProgressInputStream;
import ai.backend.client.internal.files.TarExtractor;
import ai.backend.client.internal.files.UnsafeArchiveException;
import ai.backend.client.internal.files.UploadPlan;
import ai.backend.client.internal.files.UploadRejectedException;
import ai.backend.client.port.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** Session file upload and download (spec §6.1, §6.2) on top of the files helpers. */
public final class FileTransfers {
  /** Spec §6.2: more than 5 paths per request make the server fail with 500. */
  public static final int MAX_DOWNLOAD_PATHS = 5;

  private FileTransfers() {}

  /**
   * Plans and builds the upload requests (at most 20 files each). Everything is checked first, so a
   * refused file means nothing is sent. A relative path in {@code files} means one under {@code baseDir},
   * as the upload names do (not one under the working directory).
   *
   * @throws InvalidArgumentException when a file is missing, outside {@code baseDir}, or too large
   */
  public static List<ApiRequest> uploadRequests(
      Dialect d, String name, List<Path> files, Path baseDir, ProgressListener listener) {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(baseDir, "baseDir");
    List<Path> resolved = new ArrayList<>(files.size());
    for (Path f : files) {
      resolved.add(
          baseDir.resolve(Objects.requireNonNull(f, "file"))); // an absolute f stays as it is
    }
    UploadPlan plan;
    try {
      plan = UploadPlan.of(baseDir, resolved);
    } catch (UploadRejectedException e) {
      throw new InvalidArgumentException("cannot upload " + e.path() + ": " + e.getMessage(), e);
    }
    if (plan.isEmpty()) {
      throw new InvalidArgumentException("no files to upload");
    }
    ProgressListener l = listener == null ? ProgressListener.NONE : listener;
    long total = plan.totalBytes();
    AtomicLong done = new AtomicLong();
    List<ApiRequest> out = new ArrayList<>();
    for (List<UploadPlan.Entry> batch : plan.batches()) {
      List<MultipartForm.Part> parts = new ArrayList<>();
      for (UploadPlan.Entry e : batch) {
        RequestBody content = listener == null
            ? RequestBody.ofFile(e.path(), "application/octet-stream")
            : RequestBody.ofStream(
                () -> open(e.path(), total, done, l), e.size(), "application/octet-stream");
        // the server ignores the part name; the file name is the path under /home/work
        parts.add(new MultipartForm.Part("src", e.name(), content));
      }
      out.add(ApiRequest.builder("POST", ComputeSessionWire.path(d, name, "upload"))
          .body(MultipartForm.encode(parts))
          .build());
    }
    return out;
  }

  private static InputStream open(Path p, long total, AtomicLong done, ProgressListener l) {
    try {
      long base = done.get();
      return new ProgressInputStream(Files.newInputStream(p), total, (n, t) -> {
        done.set(base + n);
        l.onProgress(base + n, total);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits download paths into requests of at most {@link #MAX_DOWNLOAD_PATHS}. */
  public static List<ApiRequest> downloadRequests(
      Dialect d, String name, List<String> remotePaths) {
    Objects.requireNonNull(remotePaths, "remotePaths");
    if (remotePaths.isEmpty()) {
      throw new InvalidArgumentException("no files to download");
    }
    List<ApiRequest> out = new ArrayList<>();
    for (int i = 0; i < remotePaths.size(); i += MAX_DOWNLOAD_PATHS) {
      out.add(ComputeSessionWire.download(
          d, name, remotePaths.subList(i, Math.min(remotePaths.size(), i + MAX_DOWNLOAD_PATHS))));
    }
    return out;
  }

  /**
   * Reads a {@code multipart/mixed} download and extracts each tar part into {@code destination},
   * refusing escapes; returns the extracted paths.
   */
  public static ResponseHandler<List<Path>> extractTo(Path destination, ProgressListener listener) {
    return response -> {
      long total =
          response.headers().firstValue("Content-Length").map(Long::parseLong).orElse(-1L);
      InputStream body = listener == null
          ? response.body()
          : new ProgressInputStream(response.body(), total, listener::onProgress);
      String type = response.headers().firstValue("Content-Type").orElse(null);
      List<Path> extracted = new ArrayList<>();
      List<Path> created = new ArrayList<>();
      try {
        MultipartMixedReader reader = new MultipartMixedReader(type, body);
        MultipartMixedReader.Part part;
        while ((part = reader.next()) != null) {
          try (InputStream in = part.body()) {
            TarExtractor.Summary s = TarExtractor.extract(in, destination);
            extracted.addAll(s.extracted());
            created.addAll(s.created());
          }
        }
      } catch (UnsafeArchiveException e) {
        // the refused part removed what it wrote; the download as a whole is refused, so the parts
        // before it go too
        TarExtractor.remove(created);
        throw new UnsafeDownloadException(
            e.entryName(),
            "refused to extract '" + e.entryName() + "' into " + destination + ": "
                + e.getMessage(),
            e);
      } catch (MalformedMultipartException | MalformedTarException e) {
        throw new MalformedResponseException(
            "malformed download: " + e.getMessage(), response.status(), e);
      }
      return List.copyOf(extracted);
    };
  }
}
