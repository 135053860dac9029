"""The shared UI helpers every page uses: error boundary, flash, session memo, URL state."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def boundary_page() -> None:
    import streamlit as st

    from components.shared.errors import error_boundary
    from core.errors import UserError

    with error_boundary("testing a user error"):
        raise UserError("That file is not a PNG. Choose a PNG image.")
    with error_boundary("testing a bug"):
        raise ZeroDivisionError("secret detail")
    st.write("drawn after both")


def test_error_boundary_shows_user_errors_and_hides_bugs() -> None:
    app = AppTest.from_function(boundary_page).run()
    assert not app.exception
    assert [w.value for w in app.warning] == ["That file is not a PNG. Choose a PNG image."]
    assert len(app.error) == 1
    assert "Something went wrong while testing a bug" in app.error[0].value
    assert "secret detail" not in app.error[0].value
    assert "drawn after both" in [m.value for m in app.markdown]


def flash_page() -> None:
    import streamlit as st

    from components.shared.flash import flash, show_flashes

    show_flashes("demo")
    if st.button("Save", key="save"):
        flash("demo", "success", "Saved.")
        flash("demo", "warning", "One file was skipped.")
        st.rerun()


def test_flash_is_shown_once_after_the_rerun() -> None:
    app = AppTest.from_function(flash_page).run()
    assert not app.success
    app.button(key="save").click().run()
    assert [m.value for m in app.success] == ["Saved."]
    assert [m.value for m in app.warning] == ["One file was skipped."]
    app.run()
    assert not app.success and not app.warning


def memo_page() -> None:
    import streamlit as st

    from components.shared.memo import session_memo

    calls = st.session_state.setdefault("calls", [])
    n = st.number_input("n", value=2, key="n")
    value = session_memo("demo.square", int(n), lambda: calls.append(n) or n * n)
    st.write(f"square {value}, computed {len(calls)} times")


def test_session_memo_recomputes_only_for_a_new_signature() -> None:
    app = AppTest.from_function(memo_page).run()
    app.run()
    assert app.markdown[0].value == "square 4, computed 1 times"
    app.number_input(key="n").set_value(3).run()
    assert app.markdown[0].value == "square 9, computed 2 times"


def url_page() -> None:
    import streamlit as st

    from components.shared.session import url_changes, write_url

    names = ("x", "view")
    restored = url_changes("demo", names)
    if restored is not None:
        st.session_state["x"] = int(restored.get("x", "1"))
        st.write(f"restored {sorted(restored.items())}")
    st.session_state.setdefault("x", 1)
    x = st.number_input("x", key="x")
    write_url("demo", names, {"x": str(int(x)), "view": "map"})


def test_url_state_is_restored_from_a_link_and_then_follows_the_widgets() -> None:
    app = AppTest.from_function(url_page)
    app.query_params["x"] = "5"
    app.query_params["other"] = "kept"
    app.run()
    assert app.markdown[0].value == "restored [('x', '5')]"
    assert app.number_input(key="x").value == 5
    assert app.query_params["view"] == "map"
    assert app.query_params["other"] == "kept"
    app.number_input(key="x").set_value(7).run()
    assert not [m for m in app.markdown if m.value.startswith("restored")]
    assert app.query_params["x"] == "7"


def test_coming_back_through_the_menu_keeps_the_session_state() -> None:
    from components.shared.session import CURRENT_PAGE

    app = AppTest.from_function(url_page)
    app.query_params["x"] = "5"
    app.run()
    # The user opens another page, then this one again from the menu: Streamlit drops the query string.
    app.session_state[CURRENT_PAGE] = "elsewhere"
    app.query_params.clear()
    app.session_state["shell.page_entered"] = True
    app.run()
    assert app.number_input(key="x").value == 5
    assert app.query_params["x"] == "5"
