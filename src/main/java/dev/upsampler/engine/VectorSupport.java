package dev.upsampler.engine;

/**
 * Chooses the row kernel at run time: the SIMD kernel when the incubating {@code
 * jdk.incubator.vector} module is in the boot layer (the JVM was started with {@code --add-modules
 * jdk.incubator.vector}), the scalar kernel otherwise or when the system property {@code
 * upsampler.simd=false} asks for it. The vector width is the CPU's widest unless {@code
 * -Dupsampler.vector.bits=128|256|512} caps it. The choice is made once per JVM.
 */
public final class VectorSupport {
  /** The JVM flag that makes the SIMD path available. */
  public static final String JVM_FLAG = "--add-modules=jdk.incubator.vector";
  /** System property: the vector width in bits (128, 256 or 512), or "auto". */
  public static final String BITS_PROPERTY = "upsampler.vector.bits";
  /**
   * The width used when the property is unset or "auto": the CPU's widest. Measured on an Intel
   * Xeon with AVX-512, JDK 17, one thread: 512-bit ran shapes a-d and FSRCNN 1.1-1.4x faster
   * than 256-bit (README, "Vector width").
   */
  static final int AUTO_BITS = 512;

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

  /**
   * The vector width asked for by {@value #BITS_PROPERTY}, or the default.
   *
   * @throws IllegalArgumentException if the property holds anything but 128, 256, 512 or auto
   */
  static int requestedBits() {
    String v = System.getProperty(BITS_PROPERTY, "auto").trim();
    if (v.equals("auto")) {
      return AUTO_BITS;
    }
    if (v.equals("128") || v.equals("256") || v.equals("512")) {
      return Integer.parseInt(v);
    }
    throw new IllegalArgumentException("system property " + BITS_PROPERTY + "=" + v
        + ": expected 128, 256, 512 or auto");
  }

  private static RowKernel choose() {
    requestedBits(); // a bad width is an error, not a silent fallback to scalar code
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
