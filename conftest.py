import os

# Background tasks run inline under test, so a test sees their effect without a worker process.
os.environ.setdefault("TASK_BACKEND", "immediate")
