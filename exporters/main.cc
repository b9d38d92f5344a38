#include <iostream>

#include "exporters/exporter_main.h"

int main(int argc, char** argv) {
  return pushprobe::exporter::ExporterMain(argc, argv, std::cout, std::cerr);
}
