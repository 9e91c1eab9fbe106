package dev.upsampler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies point one way: engine <- image <- io <- storage (Flink file systems) <- flink <-
 * cluster (REST client) <- cli (entry points).
 */
@AnalyzeClasses(packages = "dev.upsampler", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineIsPureJava = noClasses()
      .that().resideInAPackage("dev.upsampler.engine..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.apache.flink..", "org.bytedeco..", "java.awt..", "javax.imageio..",
          "dev.upsampler.image..", "dev.upsampler.io..", "dev.upsampler.flink..",
          "dev.upsampler.cluster..", "dev.upsampler.cli..");

  @ArchTest
  static final ArchRule imageIsPureJavaOverTheEngine = noClasses()
      .that().resideInAPackage("dev.upsampler.image..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.apache.flink..", "org.bytedeco..", "java.awt..", "javax.imageio..",
          "dev.upsampler.io..", "dev.upsampler.flink..", "dev.upsampler.cluster..",
          "dev.upsampler.cli..");

  @ArchTest
  static final ArchRule ioDoesNotKnowFlinkOrCommands = noClasses()
      .that().resideInAPackage("dev.upsampler.io..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.apache.flink..", "dev.upsampler.flink..", "dev.upsampler.cluster..",
          "dev.upsampler.cli..");

  @ArchTest
  static final ArchRule storageDoesNotKnowTheJob = noClasses()
      .that().resideInAPackage("dev.upsampler.storage..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.upsampler.flink..",
          "dev.upsampler.cluster..", "dev.upsampler.cli..", "org.bytedeco..");

  @ArchTest
  static final ArchRule flinkDoesNotKnowCommands = noClasses()
      .that().resideInAPackage("dev.upsampler.flink..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.upsampler.cli..",
          "dev.upsampler.cluster..")
      .allowEmptyShould(true);

  @ArchTest
  static final ArchRule clusterClientDoesNotKnowCommands = noClasses()
      .that().resideInAPackage("dev.upsampler.cluster..")
      .should().dependOnClassesThat().resideInAPackage("dev.upsampler.cli..");

  @ArchTest
  static final ArchRule learningIsPureJavaOverEngineAndImage = noClasses()
      .that().resideInAPackage("dev.upsampler.learn..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.apache.flink..", "org.bytedeco..", "java.awt..", "javax.imageio..",
          "dev.upsampler.io..", "dev.upsampler.flink..", "dev.upsampler.cluster..",
          "dev.upsampler.cli..");

  /** ONNX's protobuf classes (generated and runtime) stay in the room that reads them. */
  @ArchTest
  static final ArchRule protobufStaysInOnnx = noClasses()
      .that().resideOutsideOfPackage("dev.upsampler.io.onnx..")
      .should().dependOnClassesThat().resideInAnyPackage("com.google.protobuf..");

  @ArchTest
  static final ArchRule onlyEntryPointsUseTheTrainer = noClasses()
      .that().resideInAnyPackage("dev.upsampler.engine..", "dev.upsampler.image..",
          "dev.upsampler.io..", "dev.upsampler.flink..")
      .should().dependOnClassesThat().resideInAPackage("dev.upsampler.learn..");
}
