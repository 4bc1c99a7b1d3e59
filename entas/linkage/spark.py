"""The linkage model on Spark (Splink's Spark backend), for files too large for one machine.

`link(a, b, api=spark_api(spark_session()))` runs the model of `model.py` unchanged: only the
database Splink talks to changes. The session must carry Splink's jar of similarity functions
(`jaro_winkler`, `damerau_levenshtein`, ...), which ships inside the splink package, and a
checkpoint folder, where Splink writes its intermediate tables as Parquet to cut Spark's lineage.
Under `spark-submit` the cluster builds the session: pass the same settings there and hand
`SparkSession.builder.getOrCreate()` to `spark_api` (docs/operations.md, "Record linkage at
national scale (Spark)").

pyspark is the optional extra `spark` (`pip install -e ".[spark]"`) and needs Java 17 or newer; it
is imported inside the functions, so that this module loads without it (its types are `Any` here).
"""

import os
import sys
import tempfile
from typing import Any


def splink_jar() -> str:
    """The path of Splink's jar of similarity functions for the installed Spark major version."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def spark_config(*, partitions: int = 8, checkpoint_dir: str | None = None) -> dict[str, str]:
    """The Spark settings Splink needs: its jar, the number of shuffle partitions (a few per core:
    8 suits one machine, a cluster wants two or three per executor core) and ANSI mode off, which
    Spark 4 turns on: Splink's SQL is written for Spark's lenient semantics (Spark 3's default),
    where a division by zero or a value that does not cast is null rather than an error that stops
    the job."""
    config = {
        "spark.jars": splink_jar(),
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.default.parallelism": str(partitions),
        "spark.sql.ansi.enabled": "false",
    }
    if checkpoint_dir:
        config["spark.checkpoint.dir"] = checkpoint_dir
    return config


def spark_session(
    master: str = "local[2]",
    app: str = "entas-link",
    *,
    partitions: int = 8,
    checkpoint_dir: str | None = None,
    driver_memory: str = "2g",
    extra: dict[str, str] | None = None,
) -> Any:
    """A Spark session configured for Splink, started from this Python process. `master` is
    `local[N]` on one machine, or a cluster's (`spark://host:7077`, `yarn`, `k8s://...`) in client
    mode; the checkpoint folder must then be reachable by every executor (HDFS, S3, a shared disk).
    It is a new temporary folder by default. `extra` adds or overrides Spark settings."""
    from pyspark.sql import SparkSession

    checkpoint_dir = checkpoint_dir or tempfile.mkdtemp(prefix="entas-spark-checkpoints-")
    config = spark_config(partitions=partitions, checkpoint_dir=checkpoint_dir) | {
        "spark.driver.memory": driver_memory,
        "spark.ui.showConsoleProgress": "false",
    }
    if master.startswith("local"):
        # Not ./spark-warehouse in whatever folder the job was started from; and Spark's Python
        # workers, which turn the small tables Splink registers from Python lists (its parameter
        # estimates) into Spark rows, run this interpreter rather than whatever `python3` is first on
        # PATH (a worker of another minor version refuses to start). PySpark reads PYSPARK_PYTHON.
        config["spark.sql.warehouse.dir"] = os.path.join(checkpoint_dir, "warehouse")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder: Any = SparkSession.builder.master(master).appName(app)
    for key, value in (config | (extra or {})).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setCheckpointDir(checkpoint_dir)
    return session


def spark_api(
    session: Any, *, checkpoint_dir: str | None = None, partitions: int | None = None,
) -> Any:
    """Splink's Spark database API on `session`: it registers the jar's functions and writes
    intermediate tables as Parquet under the session's checkpoint folder (`checkpoint_dir`, when
    given, becomes it). `partitions` is how many partitions Splink repartitions its large tables
    into (half the shuffle partitions by default). ANSI mode is turned off on the session."""
    from splink.backends.spark import SparkAPI

    if checkpoint_dir:
        session.sparkContext.setCheckpointDir(checkpoint_dir)
    if not session.sparkContext.getCheckpointDir():
        raise ValueError("the Spark session has no checkpoint folder: pass checkpoint_dir (a folder every "
                         "executor reaches) or build the session with spark_session()")
    session.conf.set("spark.sql.ansi.enabled", "false")
    return SparkAPI(spark_session=session, break_lineage_method="parquet", num_partitions_on_repartition=partitions)
