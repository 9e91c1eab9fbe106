package dev.upsampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.annotation.PublicEvolving;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library's public API stays small and documented: it is exactly the classes marked
 * {@link PublicEvolving} (Flink's own marker for APIs that may still change between minor
 * releases), each named in README and every public member of them carrying javadoc; in the
 * packages a pipeline uses ({@code dev.upsampler.flink..}), any other class is public only
 * because another package of this project uses it.
 */
class PublicApiTest {
  /** The API. Adding to it is a decision: README's "As a library" section names each class. */
  static final Set<String> API = Set.of(
      "dev.upsampler.flink.FrameRecord",
      "dev.upsampler.flink.Reject",
      "dev.upsampler.flink.Upsampling",
      "dev.upsampler.flink.Upsampling$Builder",
      "dev.upsampler.flink.ImageFiles",
      "dev.upsampler.flink.ImageFiles$SourceBuilder",
      "dev.upsampler.flink.VideoFiles",
      "dev.upsampler.flink.VideoFiles$SourceBuilder",
      "dev.upsampler.flink.kafka.KafkaFrames",
      "dev.upsampler.flink.kafka.KafkaFrames$SourceBuilder",
      "dev.upsampler.flink.kafka.KafkaFrames$SinkBuilder");

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.upsampler");
  }

  @Test
  void theApiIsExactlyTheMarkedClasses() {
    Set<String> marked = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.isAnnotatedWith(PublicEvolving.class)) {
        marked.add(c.getName());
        assertTrue(c.getModifiers().contains(JavaModifier.PUBLIC), c.getName());
      }
    }
    assertEquals(new TreeSet<>(API), marked);
  }

  @Test
  void readmeNamesEveryApiClass() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (String c : API) {
      String simple = c.substring(c.lastIndexOf('.') + 1).replace('$', '.');
      assertTrue(readme.contains(simple), "README does not mention " + simple);
    }
  }

  @Test
  void everyPublicMemberOfTheApiHasJavadoc() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String c : API) {
      if (c.contains("$")) {
        continue; // nested classes are checked with their file
      }
      Path source = Path.of("src/main/java", c.replace('.', '/') + ".java");
      List<String> lines = Files.readAllLines(source);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!line.startsWith("public ")) {
          continue;
        }
        int j = i - 1;
        while (j >= 0 && lines.get(j).strip().startsWith("@")) {
          j--; // annotations sit between the comment and the declaration
        }
        if (j < 0 || !lines.get(j).strip().endsWith("*/")) {
          missing.add(source.getFileName() + ":" + (i + 1) + " " + line);
        }
      }
    }
    assertEquals(List.of(), missing, "public API members without javadoc");
  }

  /** Public without another package naming them in source: what Flink itself needs public. */
  static final Set<String> PUBLIC_FOR_FLINK = Set.of(
      "dev.upsampler.flink.video.ChunkSegment"); // a POJO record type: Flink reads its fields

  /**
   * Any other public class of the pipeline packages is used by another package: in its bytecode,
   * or named in its source or tests (constants are inlined, so bytecode alone misses them).
   */
  @Test
  void everythingElseIsPublicOnlyForAnotherPackage() throws IOException {
    java.util.Map<Path, String> sources = new java.util.HashMap<>(); // each file read once
    try (var main = Files.walk(Path.of("src/main/java"));
        var test = Files.walk(Path.of("src/test/java"))) {
      for (Path p : java.util.stream.Stream.concat(main, test)
          .filter(p -> p.toString().endsWith(".java")).toList()) {
        sources.put(p, Files.readString(p));
      }
    }
    List<String> needless = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!c.getPackageName().startsWith("dev.upsampler.flink") || API.contains(c.getName())
          || PUBLIC_FOR_FLINK.contains(c.getName())
          || !c.getModifiers().contains(JavaModifier.PUBLIC) || c.isNestedClass()
          || c.getSimpleName().equals("package-info")) {
        continue;
      }
      String ownDir = c.getPackageName().replace('.', '/');
      boolean usedElsewhere = c.getDirectDependenciesToSelf().stream()
          .anyMatch(d -> !d.getOriginClass().getPackageName().equals(c.getPackageName()));
      usedElsewhere |= sources.entrySet().stream().anyMatch(e ->
          !e.getKey().getParent().endsWith(ownDir) && e.getValue().contains(c.getName()));
      if (!usedElsewhere) {
        needless.add(c.getName());
      }
    }
    assertEquals(List.of(), needless, "public, but no other package uses it: make it"
        + " package-private (or part of the API)");
  }
}
