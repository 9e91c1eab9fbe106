package dev.upsampler.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.UpscaleKernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained models that ship inside the jar ({@code /models/NAME.json} + {@code .npz}), used
 * by name: {@code --kernel sr-x2}. Each is copied once per JVM into a temporary directory (the
 * model reader takes files) and loaded from there.
 */
public final class ShippedModels {
  /** The names: x2 best quality first, then x3 and x4. */
  public static final List<String> NAMES = List.of("sr-x2", "sr-x2-fast", "sr-x3", "sr-x4");

  private static final Map<String, Path> EXTRACTED = new HashMap<>();

  private ShippedModels() {}

  /** True for the name of a shipped model. */
  public static boolean has(String name) {
    return NAMES.contains(name);
  }

  /** The shipped model {@code name} as a kernel; {@code scale} (or null) must be its scale. */
  public static UpscaleKernel load(String name, Size2 scale) throws IOException {
    UpscaleKernel k = ModelFiles.load(manifest(name), name, null);
    if (scale != null && !scale.equals(k.scale())) { // named, not by its temporary copy's path
      throw new IllegalArgumentException(name + ": " + ModelFiles.scaleMismatch(k.scale(), scale)
          + "; shipped: " + NAMES);
    }
    return k;
  }

  /** The model's manifest as JSON (architecture, scale, what its training measured). */
  public static JsonNode describe(String name) throws IOException {
    return new ObjectMapper().readTree(manifest(name).toFile());
  }

  /** Where the model's manifest is on disk (copied out of the jar on first use). */
  public static synchronized Path manifest(String name) throws IOException {
    if (!has(name)) {
      throw new IllegalArgumentException("no shipped model '" + name + "'; shipped: " + NAMES);
    }
    Path m = EXTRACTED.get(name);
    if (m == null) {
      Path dir = Files.createTempDirectory("upsampler-" + name + "-");
      m = copy("/models/" + name + ".json", dir.resolve(name + ".json"));
      copy("/models/" + name + ".npz", dir.resolve(name + ".npz"));
      EXTRACTED.put(name, m);
    }
    return m;
  }

  private static Path copy(String resource, Path to) throws IOException {
    try (InputStream in = ShippedModels.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("the jar lacks " + resource
            + " (a build without the shipped models?)"));
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
    to.toFile().deleteOnExit();
    to.getParent().toFile().deleteOnExit();
    return to;
  }
}
