# The two commands of the README: `make demo` and `make test`.
.PHONY: deps build demo test bench doctor clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release

# The main job: train LeNet-300-100 on Fashion-MNIST for 5 epochs, events in runs/demo.jsonl.
demo: build
	@mkdir -p runs
	.build/release/prunetop run --headless --epochs 5 --jsonl runs/demo.jsonl

test: deps
	swift test --disable-swift-testing

bench: build
	.build/release/prunetop bench

doctor: build
	.build/release/prunetop doctor

clean:
	rm -rf .build runs
