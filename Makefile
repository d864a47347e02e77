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

# The release binary first: the end-to-end dashboard test drives it in tmux. The Python side
# (the bridge package's pytest suite, and real PyTorch for the end-to-end tests) runs in a venv
# outside the repository that scripts/python-env.sh makes once.
test: deps
	swift build -c release --product prunetop
	python=$$(scripts/python-env.sh) && \
	  if [ -d python/tests ]; then "$$python" -m pytest -q python/tests; fi && \
	  PRUNETOP_PYTHON="$$python" swift test --disable-swift-testing

bench: build
	.build/release/prunetop bench

doctor: build
	.build/release/prunetop doctor

clean:
	rm -rf .build runs
