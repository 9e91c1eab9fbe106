package dev.upsampler.engine;

/**
 * Chooses the row kernel at run time: the SIMD kernel when the incubating {@code
 * jdk.incubator.vector} module is in the boot layer (the JVM was started with {@code --add-modules
 * jdk.incubator.vector}), the scalar kernel otherwise or when the system property {@code
 * upsampler.simd=false} asks for it. The choice is made once per JVM.
 */
public final class VectorSupport {
  /** The JVM flag that makes the SIMD path available. */
  public static final String JVM_FLAG = "--add-modules=jdk.incubator.vector";

  private static final RowKernel KERNEL = choose();

  private VectorSupport() {}

  /** True if the Vector API module is resolved in this JVM. */
  public static boolean moduleAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** True if the SIMD kernel is in use. */
  public static boolean simd() {
    return KERNEL.lanes() > 1;
  }

  /** One line saying which path runs, for logs and {@code --verbose}. */
  public static String description() {
    return KERNEL.description();
  }

  static RowKernel kernel() {
    return KERNEL;
  }

  static RowKernel scalar() {
    return ScalarRowKernel.INSTANCE;
  }

  private static RowKernel choose() {
    if (!moduleAvailable() || "false".equals(System.getProperty("upsampler.simd"))) {
      return ScalarRowKernel.INSTANCE;
    }
    try {
      // Loaded by name so that the class is never resolved without the module.
      return (RowKernel) Class.forName("dev.upsampler.engine.VectorRowKernel")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return ScalarRowKernel.INSTANCE;
    }
  }
}
