# The two commands of the README: `make demo` and `make test`.
.PHONY: deps build demo demo-headless test bench doctor clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release

# The main job: the live dashboard on LeNet-300-100 and Fashion-MNIST: a converged dense
# phase (the hill's baseline), then magnitude pruning in six stages to 98% (examples/demo.yaml).
demo: build
	.build/release/prunetop tui examples/demo.yaml

# The same engine without the dashboard: 5 epochs, events in runs/demo.jsonl.
demo-headless: build
	@mkdir -p runs
	.build/release/prunetop run --headless --epochs 5 --jsonl runs/demo.jsonl --overwrite

# A release build of the suite (the tests import internals, hence -enable-testing), kept apart
# in .build-test so `make build`'s binary keeps its own flags: the suite takes about 3.5 minutes
# here, against 12.7 in a debug build. The end-to-end tests drive the prunetop built next
# to the test bundle. The Python side (the bridge package's pytest suite, and real PyTorch for
# the end-to-end tests) runs in a venv outside the repository that scripts/python-env.sh makes once.
TEST_BUILD = -c release -Xswiftc -enable-testing --build-path .build-test
test: deps
	swift build $(TEST_BUILD) --build-tests
	python=$$(scripts/python-env.sh) && \
	  if [ -d python/tests ]; then "$$python" -m pytest -q python/tests; fi && \
	  PRUNETOP_PYTHON="$$python" swift test $(TEST_BUILD) --skip-build --disable-swift-testing

bench: build
	.build/release/prunetop bench

doctor: build
	.build/release/prunetop doctor

clean:
	rm -rf .build .build-test runs
