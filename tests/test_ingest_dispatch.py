"""`pccdash ingest` sends each file to its pipeline: police.uk files (known by their header) and force returns
can be loaded together from one folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines import warehouse

DATA = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"


def test_a_folder_with_a_force_return_and_police_uk_archive_files_loads_each_its_own_way(db, tmp_path, run_cli):
    folder = tmp_path / "in"
    (folder / "2017-11").mkdir(parents=True)
    shutil.copy(DATA / "2017-11-south-yorkshire-street.sample.csv",
                folder / "2017-11" / "2017-11-south-yorkshire-street.csv")
    (folder / "return.csv").write_text("period,district,measure,value\n" + "".join(
        f"2017-11,{d},cse_charges,{v}\n" for d, v in (("Barnsley", 1), ("Doncaster", 2), ("Rotherham", 3),
                                                      ("Sheffield", 4))))
    result = run_cli("ingest", folder, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert "2 files accepted" in result.stdout
    with warehouse.connect_read_only(db) as con:
        layouts = dict(con.execute("SELECT name, layout FROM file_registry").fetchall())
        records = con.execute("SELECT count(*) FROM pccdash_records.police_uk_record").fetchall()[0][0]
        figures = con.execute("SELECT count(*) FROM figure").fetchall()[0][0]
    assert layouts == {"2017-11/2017-11-south-yorkshire-street.csv": "police_uk_street", "return.csv": "long"}
    assert records == 583 and figures == 4
