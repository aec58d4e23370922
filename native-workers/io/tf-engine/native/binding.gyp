{
  "targets": [
    {
      "target_name": "imagenot_kernels",
      "sources": ["kernels.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
