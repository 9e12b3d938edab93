"""`transflow serve`: security, conflicts and limits over Starlette's TestClient; a real server with
Chromium for the editing loop; a bounded load test over loopback."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conftest import chromium, needs_chromium, record_of, run_cli, screenshot_folder
from transflow.actions.sentences import save_sentence, sentence_version
from transflow.project import Project
from transflow.work.drafts import DRAFT_FILE, read_draft
from transflow.work.memory import Memory

SLUG = "altena-2018-04-oecd-studie"
LOCAL = "http://127.0.0.1:8765"
_TRANSLATED: dict[str, Path] = {}


@pytest.fixture
def translated(project: Path, tiny_model, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The seed project, translated once per session and copied for each test."""
    if "seed" not in _TRANSLATED:
        assert run_cli("translate", "--project", str(project))[0] == 0
        keep = tmp_path_factory.mktemp("translated-seed")
        shutil.copytree(project / "output", keep / "output")
        _TRANSLATED["seed"] = keep
    else:
        shutil.copytree(_TRANSLATED["seed"] / "output", project / "output")
    return project


def client(project: Path, host: str = "127.0.0.1", token: str | None = None, base: str = LOCAL) -> Any:
    from starlette.testclient import TestClient

    from transflow.web.server import ServerConfig, create_app

    config = ServerConfig(Project(project), host=host, port=8765, token=token, csrf="test-csrf")
    return TestClient(create_app(config), base_url=base)


def save(http: Any, number: int, english: str, version: str, **headers: str) -> Any:
    sent = {"X-CSRF-Token": "test-csrf", "Origin": LOCAL, **headers}
    return http.post(
        f"/{SLUG}/sentences/{number}", json={"english": english, "version": version}, headers=sent
    )


def test_pages_carry_security_headers_and_escape_what_editors_typed(translated: Path) -> None:
    http = client(translated)
    index = http.get("/")
    assert index.status_code == 200 and SLUG in index.text and 'class="tf-filter"' in index.text
    page = http.get(f"/{SLUG}/review.html")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert page.text.count(f'nonce="{nonce}"') >= 3  # page style, editing style, scripts
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "tf-edit" in page.text and 'data-csrf="test-csrf"' in page.text
    version = sentence_version(record_of(translated, SLUG).sentences[0])
    typed = "<script>alert(1)</script> & <b>bold</b>"
    assert save(http, 1, typed, version).status_code == 200
    page = http.get(f"/{SLUG}/review.html").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold" not in page
    state = http.get(f"/{SLUG}/state.json").json()
    assert state["sentences"][0]["english"] == typed
    # The static page (no server) stays free of the editing UI and nonces.
    static = (translated / "output" / SLUG / "review.html").read_text()
    assert "tf-edit" not in static and "nonce" not in static and "&lt;script&gt;" in static


def test_no_token_beyond_loopback_is_refused(translated: Path) -> None:
    http = client(translated, host="0.0.0.0", token="s3cret", base="http://192.0.2.7:8765")
    assert http.get("/").status_code == 401
    assert http.get(f"/{SLUG}/state.json").status_code == 401
    assert http.get("/?token=wrong").status_code == 401
    assert http.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    first = http.get("/?token=s3cret")
    assert first.status_code == 200 and "transflow_token" in first.headers["set-cookie"]
    assert "samesite=strict" in first.headers["set-cookie"].lower()
    assert http.get(f"/{SLUG}/review.html").status_code == 200  # the cookie carries the token on
    # Bound to loopback, a foreign Host header (DNS rebinding) is refused.
    assert client(translated, base="http://evil.example:8765").get("/").status_code == 403


def test_cross_origin_and_tokenless_posts_are_refused(translated: Path) -> None:
    http = client(translated)
    version = sentence_version(record_of(translated, SLUG).sentences[0])
    assert save(http, 1, "x", version, Origin="http://evil.example").status_code == 403
    assert save(http, 1, "x", version, **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert save(http, 1, "x", version, **{"X-CSRF-Token": "guess"}).status_code == 403
    no_csrf = http.post(f"/{SLUG}/approve", json={"force": True}, headers={"Origin": LOCAL})
    assert no_csrf.status_code == 403
    assert http.get(f"/{SLUG}/sentences/1").status_code == 405  # changes are POST only
    assert record_of(translated, SLUG).sentences[0].english != "x"
    assert not (translated / "output" / SLUG / "approved.json").exists()


def test_bad_slugs_numbers_and_big_bodies(translated: Path) -> None:
    http = client(translated)
    for path in (
        "/../glossary.yml/review.html",
        "/..%2F..%2Fetc/review.html",
        "/%2e%2e/state.json",
        f"/{'a' * 300}/review.html",
        "/.transflow/review.html",
        "/nope/state.json",
    ):
        assert http.get(path).status_code == 404, path
    version = sentence_version(record_of(translated, SLUG).sentences[0])
    assert save(http, 999, "x", version).status_code == 404
    big = "x" * (10 * 1024 * 1024)
    headers = {"X-CSRF-Token": "test-csrf", "Origin": LOCAL, "Content-Type": "application/json"}
    response = http.post(f"/{SLUG}/sentences/1", content=big, headers=headers)
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(200):
            yield b"x" * 65536

    assert http.post(f"/{SLUG}/sentences/1", content=chunks(), headers=headers).status_code == 413
    assert record_of(translated, SLUG).sentences[0].english != "x"


def test_stale_save_gets_a_conflict_with_both_texts(translated: Path) -> None:
    http = client(translated)
    version = sentence_version(record_of(translated, SLUG).sentences[1])
    first = save(http, 2, "The first editor's English.", version)
    assert first.status_code == 200 and first.json()["saved"]
    second = save(http, 2, "The second editor's English.", version)
    assert second.status_code == 409
    assert second.json()["english"] == "The first editor's English." and not second.json()["saved"]
    assert record_of(translated, SLUG).sentences[1].english == "The first editor's English."
    assert save(http, 2, "The second editor's English.", second.json()["version"]).status_code == 200


def test_a_unit_is_saved_by_its_id(translated: Path) -> None:
    http = client(translated)
    headers = {"X-CSRF-Token": "test-csrf", "Origin": LOCAL}
    version = sentence_version(record_of(translated, SLUG).sentences[2])
    sent = {"english": "Saved as unit 3.", "version": version}
    answer = http.post(f"/{SLUG}/units/3", json=sent, headers=headers)
    assert answer.status_code == 200 and answer.json()["number"] == 3
    assert record_of(translated, SLUG).sentences[2].english == "Saved as unit 3."
    for unit in ("99", "0", "3-4", "x", "٣"):
        assert http.post(f"/{SLUG}/units/{unit}", json=sent, headers=headers).status_code == 404, unit


def test_approve_and_glossary_go_through_the_library(translated: Path) -> None:
    http = client(translated)
    headers = {"X-CSRF-Token": "test-csrf", "Origin": LOCAL}
    state = http.get(f"/{SLUG}/state.json").json()
    force = bool(state["blocked"])
    # The version the page showed is required, and an article changed since is refused (409).
    assert http.post(f"/{SLUG}/approve", json={"force": force}, headers=headers).status_code == 400
    version = sentence_version(record_of(translated, SLUG).sentences[0])
    assert save(http, 1, "Another editor's English.", version).status_code == 200
    stale = http.post(f"/{SLUG}/approve", json={"force": force, "version": state["version"]}, headers=headers)
    assert stale.status_code == 409 and "changed since version" in stale.json()["error"]
    assert "\n" not in stale.json()["error"]
    assert not (translated / "output" / SLUG / "approved.json").exists()
    state = http.get(f"/{SLUG}/state.json").json()
    page = http.get(f"/{SLUG}/review.html").text
    assert f'data-version="{state["version"]}"' in page  # the page shows what state.json says
    response = http.post(
        f"/{SLUG}/approve", json={"force": force, "version": state["version"]}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"] == state["version"]
    assert (translated / "output" / SLUG / "approved.json").exists()
    assert http.get(f"/{SLUG}/state.json").json()["state"] == "approved"
    glossary = translated / "glossary.yml"
    comments = [line for line in glossary.read_text().splitlines() if line.lstrip().startswith("#")]
    term = {"de": "Frankreich", "en": "France", "note": "<i>the country</i>"}
    assert http.post("/glossary", json=term, headers=headers).status_code == 200
    text = glossary.read_text()
    assert "de: Frankreich" in text and all(c in text for c in comments)
    assert http.post("/glossary", json=term, headers=headers).status_code == 409  # already there


@pytest.mark.parametrize(
    "term",
    [
        {"de": "Bad\x1b[2Jterm", "en": "x"},
        {"de": "Glocke", "en": "bell\x07"},
        {"de": "Ampel", "en": "y" * 60_000},
        {"de": "Ampel", "en": "traffic light", "note": "z" * 5_000},
    ],
    ids=["escape", "bell", "long-english", "long-note"],
)
def test_a_glossary_term_the_file_cannot_hold_is_refused_over_http(
    translated: Path, term: dict[str, str]
) -> None:
    http = client(translated)
    headers = {"X-CSRF-Token": "test-csrf", "Origin": LOCAL}
    before = (translated / "glossary.yml").read_bytes()
    response = http.post("/glossary", json=term, headers=headers)
    assert response.status_code in (400, 409) and "error" in response.json(), response.text
    assert (translated / "glossary.yml").read_bytes() == before
    assert run_cli("translate", "--project", str(translated))[0] == 0  # the glossary still loads


def test_no_articles_yet_says_what_to_run(project: Path) -> None:
    page = client(project).get("/")
    assert page.status_code == 200 and "transflow translate" in page.text


def test_port_in_use_is_one_error_line(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, _, err = run_cli("serve", "--project", str(project), "--port", str(port))
    assert code == 2 and err.startswith("error: port") and "Traceback" not in err


# ---- a real server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(project: Path, token: str | None = None) -> Iterator[str]:
    """uvicorn on 127.0.0.1 in a thread; with ``token``, asking for it as beyond this machine."""
    import uvicorn

    from transflow.web.server import ServerConfig, create_app

    port = free_port()
    app = create_app(ServerConfig(Project(project), port=port, token=token))
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(10)


@pytest.fixture
def server(translated: Path) -> Iterator[str]:
    """uvicorn on 127.0.0.1 in a thread, serving the translated seed project."""
    with served(translated) as base:
        yield base


@needs_chromium
def test_editing_in_chromium(server: str, translated: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium(translated / "chrome", 1280, 1000)
    wait = WebDriverWait(driver, 10)
    folder = translated / "output" / SLUG
    page = f"{server}/{SLUG}/review.html"
    shots = screenshot_folder(translated)

    def english(n: int) -> str:
        return str(driver.execute_script(f"return document.querySelector('#s{n} .en').textContent"))

    def click(selector: str) -> None:
        """Click like a person: scrolled to the middle first, never under the sticky bar."""
        element = driver.find_element(By.CSS_SELECTOR, selector)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    try:
        # Keyboard only: Tab to the first English sentence, Enter, type, Enter saves and moves on.
        driver.get(page)
        for _ in range(60):
            driver.switch_to.active_element.send_keys(Keys.TAB)
            if "editable" in (driver.switch_to.active_element.get_attribute("class") or ""):
                break
        box = driver.switch_to.active_element
        assert box.get_attribute("data-number") == "1"
        box.send_keys(Keys.ENTER)
        area = driver.switch_to.active_element
        assert area.tag_name == "textarea"
        area.send_keys(Keys.CONTROL, "a")
        area.send_keys("Fresh back from France: the mayor <b>reports</b>.")
        driver.save_screenshot(str(shots / "serve-desktop.png"))
        area.send_keys(Keys.ENTER)
        wait.until(lambda d: d.execute_script("return document.activeElement.closest('#s2') !== null"))
        assert driver.switch_to.active_element.tag_name == "textarea"  # sentence 2 is open now
        assert "Saved sentence 1" in driver.find_element(By.ID, "tf-status").text
        driver.set_window_size(390, 900)
        driver.execute_script("document.activeElement.scrollIntoView({block: 'center'})")
        driver.save_screenshot(str(shots / "serve-phone.png"))
        driver.set_window_size(1280, 1000)
        driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        assert "cancelled" in driver.find_element(By.ID, "tf-status").text
        driver.refresh()
        assert "Fresh back from France: the mayor <b>reports</b>." in english(1)
        assert driver.find_elements(By.CSS_SELECTOR, "#s1 .diff ins")  # the editor's diff
        draft = read_draft(folder)
        assert draft is not None and "the mayor <b>reports</b>." in draft[0].body
        memory = Memory.of(Project(translated))
        try:
            assert any(u.target.endswith("<b>reports</b>.") for u in memory.units())
        finally:
            memory.close()

        # Two windows, one sentence: the second save gets the conflict dialog with both texts.
        first = driver.current_window_handle
        driver.switch_to.new_window("window")
        second = driver.current_window_handle
        driver.get(page)
        driver.switch_to.window(first)
        click("#s3 .en")
        driver.switch_to.active_element.send_keys(Keys.CONTROL, "a")
        driver.switch_to.active_element.send_keys("Window one's English.", Keys.ESCAPE)  # cancelled
        assert "Window one's English." not in english(3)
        click("#s3 .en")
        driver.switch_to.active_element.send_keys(Keys.CONTROL, "a")
        driver.switch_to.active_element.send_keys("Window one's English.", Keys.CONTROL, Keys.ENTER)
        wait.until(lambda d: "Saved sentence 3" in d.find_element(By.ID, "tf-status").text)
        driver.switch_to.window(second)
        click("#s3 .en")
        driver.switch_to.active_element.send_keys(Keys.CONTROL, "a")
        driver.switch_to.active_element.send_keys("Window two's English.", Keys.ENTER)
        dialog = wait.until(
            lambda d: (
                d.find_element(By.ID, "tf-conflict")
                if d.find_element(By.ID, "tf-conflict").is_displayed()
                else None
            )
        )
        assert "Window one's English." in dialog.find_element(By.ID, "tf-theirs").text
        assert "Window two's English." in dialog.find_element(By.ID, "tf-yours").text
        driver.set_window_size(390, 900)
        driver.save_screenshot(str(shots / "serve-phone-conflict.png"))
        driver.set_window_size(1280, 1000)
        driver.find_element(By.ID, "tf-keep-theirs").click()
        assert record_of(translated, SLUG).sentences[2].english == "Window one's English."
        driver.close()
        driver.switch_to.window(first)

        # A file edit while the page is open is detected.
        path = folder / DRAFT_FILE
        path.write_text(path.read_text().replace("Window one's English.", "Edited in the file."))
        wait.until(lambda d: d.find_element(By.ID, "tf-file-changed").is_displayed())

        # Approve: the generated model's English needs "anyway", and the confirmation lists what
        # is passed over, as `transflow approve` does.
        driver.refresh()
        assert not driver.find_element(By.ID, "tf-approve").is_enabled()
        assert "generated test model" in driver.find_element(By.ID, "tf-blocked").text
        driver.find_element(By.ID, "tf-approve-anyway").click()
        confirmation = driver.switch_to.alert
        assert "Must fix: its English comes from the generated test model" in confirmation.text
        assert "• sentence " in confirmation.text
        confirmation.accept()
        wait.until(lambda d: "Approved" in d.find_element(By.ID, "tf-status").text)
        assert (folder / "approved.json").exists()
        assert record_of(translated, SLUG).sentences[2].english == "Edited in the file."
        # The header follows without a reload: a change asks to approve again, approving clears it.
        wait.until(lambda d: "status: approved" in d.find_element(By.CSS_SELECTOR, ".meta").text)
        click("#s4 .en")
        driver.switch_to.active_element.send_keys(Keys.CONTROL, "a")
        driver.switch_to.active_element.send_keys("Changed after approval.", Keys.CONTROL, Keys.ENTER)
        wait.until(lambda d: "approve it again" in d.find_element(By.ID, "attention").text)
        # Another editor saves a sentence this page has not shown: approving is refused (409)
        # and nothing is recorded, until the page shows the article as it stands.
        other = record_of(translated, SLUG).sentences[4]
        proj = Project(translated)
        assert save_sentence(proj, SLUG, 5, "Another editor's sentence.", sentence_version(other)).saved
        approved = (folder / "approved.json").read_bytes()
        driver.find_element(By.ID, "tf-approve-anyway").click()
        driver.switch_to.alert.accept()
        wait.until(lambda d: "changed since this page showed it" in d.find_element(By.ID, "tf-status").text)
        assert driver.find_element(By.ID, "tf-file-changed").is_displayed()  # offers to reload
        assert (folder / "approved.json").read_bytes() == approved
        driver.refresh()
        assert "Another editor's sentence." in driver.find_element(By.ID, "s5").text
        driver.find_element(By.ID, "tf-approve-anyway").click()
        driver.switch_to.alert.accept()
        wait.until(lambda d: "approve it again" not in d.find_element(By.ID, "attention").text)
        assert "status: approved" in driver.find_element(By.CSS_SELECTOR, ".meta").text

        # A German selection becomes a glossary term, marked after the next translate.
        driver.execute_script(
            """const has = (e) => e.textContent.includes('Frankreich');
            const de = [...document.querySelectorAll('.de')].find(has);
            const text = [...de.childNodes].find(n => n.nodeType === 3 && has(n));
            const at = text.textContent.indexOf('Frankreich'); const range = document.createRange();
            range.setStart(text, at); range.setEnd(text, at + 'Frankreich'.length);
            getSelection().removeAllRanges(); getSelection().addRange(range);"""
        )
        wait.until(lambda d: d.find_element(By.ID, "tf-add-term").is_displayed())
        driver.find_element(By.ID, "tf-add-term").click()
        assert driver.find_element(By.ID, "tf-g-de").get_attribute("value") == "Frankreich"
        driver.switch_to.active_element.send_keys("France")
        driver.find_element(By.ID, "tf-g-note").send_keys("the country")
        driver.find_element(By.ID, "tf-g-add").click()
        wait.until(lambda d: "Added" in d.find_element(By.ID, "tf-status").text)
        assert run_cli("translate", "--project", str(translated))[0] == 0  # takes the same lock
        driver.refresh()
        marked = driver.find_elements(By.CSS_SELECTOR, ".de mark.term")
        assert any(m.text == "Frankreich" for m in marked)

        # Filters: only edited sentences.
        driver.find_element(By.CSS_SELECTOR, ".tf-filter[value=edited]").click()
        shown = [r for r in driver.find_elements(By.CSS_SELECTOR, ".row") if r.is_displayed()]
        assert 1 <= len(shown) < len(record_of(translated, SLUG).sentences)
        # A refused save is a 409 by design; anything else (a CSP violation, a 404) is a bug.
        driver.get(server + "/")
        driver.find_element(By.CSS_SELECTOR, ".tf-filter[value=missing]").click()
        rows = driver.find_elements(By.CSS_SELECTOR, "table.articles tbody tr")
        assert [r.is_displayed() for r in rows] == [r.get_attribute("data-missing") != "0" for r in rows]
        errors = [
            e
            for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and "409 (Conflict)" not in e["message"]
        ]
        assert errors == [], errors
    finally:
        driver.quit()


# ---- load ---------------------------------------------------------------------------------------

ARTICLES, CLIENTS, SAVES = 10, 20, 1000


@pytest.fixture
def ten_articles(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    (project / "sources" / "altena-2018-04-oecd-studie.txt").unlink()
    for k in range(ARTICLES):
        (project / "sources" / f"rat-{k}.md").write_text(
            f"---\ntitle: Sitzung {k}\ndate: 2024-05-{k + 1:02d}\n---\n"
            f"Der Rat tagt am Montag im Rathaus. Der Bürgermeister lädt ein.\n\n"
            f"Die Sitzung {k} ist öffentlich. Fragen sind willkommen.\n"
        )
    assert run_cli("translate", "--project", str(project))[0] == 0
    return project


def test_many_editors_lose_nothing(ten_articles: Path) -> None:
    import httpx

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "transflow", "serve", "--project", str(ten_articles), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.1)
        html = httpx.get(f"{base}/rat-0/review.html").text
        csrf = html.split('data-csrf="')[1].split('"')[0]
        slugs = [f"rat-{k}" for k in range(ARTICLES)]
        start = {
            s: [x["version"] for x in httpx.get(f"{base}/{s}/state.json").json()["sentences"]] for s in slugs
        }
        headers = {"X-CSRF-Token": csrf, "Origin": base}
        finish_by = time.monotonic() + 240

        def editor(c: int) -> list[tuple[str, int, str, str, int, str]]:
            known = {s: list(v) for s, v in start.items()}
            done = []
            with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
                retry = None
                for i in range(SAVES // CLIENTS):
                    assert time.monotonic() < finish_by, "the load test ran out of time"
                    # After a conflict the editor chooses "use mine": the same sentence, the new version.
                    slug, n = retry or (slugs[(c + i) % ARTICLES], 1 + (c * 7 + i * 3) % len(known[slugs[0]]))
                    text = f"Client {c} save {i}."
                    based_on = known[slug][n - 1]
                    r = http.post(f"/{slug}/sentences/{n}", json={"english": text, "version": based_on})
                    assert r.status_code in (200, 409), r.text
                    known[slug][n - 1] = r.json()["version"]
                    retry = (slug, n) if r.status_code == 409 else None
                    done.append((slug, n, based_on, text, r.status_code, r.json()["version"]))
            return done

        began = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = [a for got in pool.map(editor, range(CLIENTS)) for a in got]
        took = time.monotonic() - began
        peak_kb = int(
            next(
                x
                for x in Path(f"/proc/{server.pid}/status").read_text().splitlines()
                if x.startswith("VmHWM")
            ).split()[1]
        )
    finally:
        server.terminate()
        server.wait(10)
    saved = [a for a in answers if a[4] == 200]
    assert len(answers) == SAVES and saved
    print(
        f"{SAVES} saves by {CLIENTS} clients in {took:.1f}s: {len(saved)} saved, "
        f"{SAVES - len(saved)} conflicts; server peak RSS {peak_kb / 1024:.0f} MB"
    )
    assert peak_kb < 300 * 1024
    proj = Project(ten_articles)
    memory = Memory.of(proj)
    try:
        remembered = {(u.article, u.target) for u in memory.units() if u.origin == "editor"}
    finally:
        memory.close()
    for slug in slugs:
        folder = proj.article_dir(slug)
        record = record_of(ten_articles, slug)
        draft = read_draft(folder)
        assert draft is not None and draft[1] == record.draft_sha256  # file and record agree
        assert not list(folder.glob(".*.tmp")), "a half-written file was left"
        files = "".join(p.read_text() for p in (folder / "revisions").glob("*.edited.en.md"))
        for k, sentence in enumerate(record.sentences, start=1):
            mine = [a for a in saved if a[0] == slug and a[1] == k]
            # Each save was based on the version the one before it made: none overwrote another.
            chain, version = {a[2]: a for a in mine}, start[slug][k - 1]
            assert len(chain) == len(mine), f"two saves of {slug} #{k} were based on the same text"
            last = None
            while version in chain:
                last = chain[version]
                version = last[5]
            assert len(mine) == 0 or last is not None
            assert sentence_version(sentence) == version
            if last is not None:
                assert sentence.english == last[3]
            for a in mine:
                assert (slug, a[3]) in remembered and a[3] in files + draft[0].body


def test_beyond_loopback_the_cli_makes_a_token(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(self: Any, sockets: Any = None) -> None:  # bind and print, but do not serve
        seen["token"] = self.config.app.config.token
        for sock in sockets or ():
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    code, out, _ = run_cli(
        "serve", "--project", str(project), "--host", "0.0.0.0", "--port", str(free_port())
    )
    assert code == 0 and seen["token"] and f"?token={seen['token']}" in out.replace("\n", "")
    code, out, _ = run_cli("serve", "--project", str(project), "--port", str(free_port()))
    assert code == 0 and seen["token"] is None and "token" not in out


# ---- two editors at random over loopback --------------------------------------------------------

FUZZ_STEPS, FUZZ_SECONDS = 200, 180


class Editor:
    """One browser session: what its page last showed (English, versions) and what it sends."""

    def __init__(self, base: str, token: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=base, timeout=30)
        assert self.http.get(f"/{SLUG}/state.json").status_code == 401  # no token, no article
        page = self.http.get(f"/{SLUG}/review.html", params={"token": token})  # the URL serve printed
        assert page.status_code == 200
        self.csrf = page.text.split('data-csrf="')[1].split('"')[0]
        self.http.headers.update({"X-CSRF-Token": self.csrf, "Origin": base})
        self.look()

    def look(self) -> None:
        """Load the page again: its rows, the sentences' versions and the article's version."""
        page = self.http.get(f"/{SLUG}/review.html").text  # the cookie carries the token on
        state = self.http.get(f"/{SLUG}/state.json").json()
        self.version = state["version"]
        assert f'data-version="{self.version}"' in page
        self.english = [s["english"] for s in state["sentences"]]
        self.versions = [s["version"] for s in state["sentences"]]

    def save(self, number: int, text: str) -> Any:
        sent = {"english": text, "version": self.versions[number - 1]}
        answer = self.http.post(f"/{SLUG}/sentences/{number}", json=sent)
        if answer.status_code in (200, 409):
            self.versions[number - 1] = answer.json()["version"]  # as the page keeps it
        return answer

    def approve(self) -> Any:
        return self.http.post(f"/{SLUG}/approve", json={"force": True, "version": self.version})


def random_english(rng: Any, step: int, english: list[str]) -> str:
    """What editors type: a sentence, nothing, two sentences (often a neighbour's), several lines."""
    kind = rng.choice(["sentence", "empty", "two", "neighbour", "lines", "markdown"])
    if kind == "sentence":
        return f"Save {step} of this sentence."
    if kind == "empty":
        return rng.choice(["", "   ", "\n"])
    if kind == "two":
        return f"Sentence {step}. Sentence {step + 1}."
    if kind == "neighbour":  # looks like the sentence before and this one together
        k = rng.randrange(1, len(english))
        return f"{english[k - 1]} {english[k]}".strip()
    if kind == "lines":
        return f"Line one of {step},\nline two.\n\n  Line three."
    return rng.choice(["# Not a heading", "- not a list", "---", "1. not a list", "> not a quote"])


def test_two_editors_saving_and_approving_at_random(translated: Path) -> None:
    """Issue 25: 200 random saves and approvals from two browser sessions, checked after every step."""
    import random
    from dataclasses import replace

    from transflow.actions.sentences import clean_english
    from transflow.work.editing import apply_edits
    from transflow.work.record import load_approval

    rng = random.Random(25)
    token = "fuzz-token"
    folder = Project(translated).article_dir(SLUG)
    start = record_of(translated, SLUG)
    expected = [s.english for s in start.sentences]  # the last English saved for each sentence
    answers: dict[tuple[str, int], int] = {}
    began = time.monotonic()
    with served(translated, token) as base:
        editors = [Editor(base, token), Editor(base, token)]
        for step in range(FUZZ_STEPS):
            assert time.monotonic() - began < FUZZ_SECONDS, f"only {step} steps in {FUZZ_SECONDS}s"
            editor = rng.choice(editors)
            action = rng.choices(["save", "look", "approve"], weights=[7, 2, 2])[0]
            if action == "look":
                editor.look()
                continue
            if action == "approve":
                approved = folder / "approved.json"
                before = approved.read_bytes() if approved.exists() else b""
                answer = editor.approve()
                # Approved exactly when nothing changed since this editor's page showed the article.
                wanted = 200 if editor.english == expected else 409
                assert answer.status_code == wanted, (step, answer.text)
                if wanted == 409:
                    assert "changed since version" in answer.json()["error"]
                    assert (approved.read_bytes() if before else b"") == before
                else:  # what was approved is what the editor saw, sentence by sentence
                    snapshot, draft = load_approval(folder), read_draft(folder)
                    assert snapshot is not None and draft is not None and snapshot.english == draft[0].body
                    assert [s.english for s in record_of(translated, SLUG).sentences] == editor.english
                answers["approve", wanted] = answers.get(("approve", wanted), 0) + 1
                continue
            number = rng.randrange(1, len(expected) + 1)
            text = random_english(rng, step, expected)
            now = replace(start.sentences[number - 1], english=expected[number - 1])
            fresh = editor.versions[number - 1] == sentence_version(now)  # saved only on what it showed
            answer = editor.save(number, text)
            assert answer.status_code == (200 if fresh else 409), (step, number, text, answer.text)
            if fresh:
                expected[number - 1] = clean_english(text)
            assert answer.json()["english"] == expected[number - 1]
            answers["save", answer.status_code] = answers.get(("save", answer.status_code), 0) + 1
            # No other sentence changed: the record holds exactly the last English saved for each.
            assert [s.english for s in record_of(translated, SLUG).sentences] == expected, (
                step,
                number,
                text,
            )
    took = time.monotonic() - began
    print(f"{FUZZ_STEPS} steps by two editors in {took:.1f}s: {answers}")
    record = record_of(translated, SLUG)
    assert [s.english for s in record.sentences] == expected
    draft = read_draft(folder)
    assert draft is not None and draft[1] == record.draft_sha256
    assert apply_edits(record, draft[0])[1] == []  # draft.en.md says what the record says
    # Every kind of answer happened: the test saw saves and approvals both taken and refused.
    assert all(
        answers.get(key, 0) > 0 for key in [("save", 200), ("save", 409), ("approve", 200), ("approve", 409)]
    )
