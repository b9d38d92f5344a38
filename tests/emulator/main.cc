#include "tests/emulator/emulator_app.h"

int main(int argc, char** argv) {
  pushprobe::emulator::EmulatorApp app;
  return app.run(argc, argv);
}
