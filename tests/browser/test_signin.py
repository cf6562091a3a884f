"""Signing in to the internal dashboard in a real browser, through the local OpenID Connect provider."""

from __future__ import annotations

from playwright.sync_api import expect

from pipelines.signin import register_user

from .conftest import settle

# What the dashboard shows only with data: tables, charts, metrics.
DATA = ('[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stPlotlyChart"], '
        '[data-testid="stMetric"], [data-testid="stVegaLiteChart"], [data-testid="stImage"]')


def test_an_anonymous_visitor_is_asked_to_sign_in_and_sees_no_figures(page, served, shots):
    page.goto(served.internal_url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    settle(page)
    page.screenshot(path=shots / "signin-1-anonymous.png", full_page=True)
    expect(page.locator(DATA)).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # not even the internal pages' names


def test_a_page_opened_by_its_address_is_refused_to_an_anonymous_visitor(page, served):
    page.goto(served.internal_url + "/files")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    settle(page)
    expect(page.locator(DATA)).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_the_provider_asks_who_is_signing_in_and_offers_the_demo_users(page, served, shots):
    page.goto(served.internal_url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    expect(page.get_by_placeholder("sub")).to_be_visible()
    for email in ("pcc@example.org", "analyst@example.org", "visitor@example.org"):
        expect(page.get_by_role("button", name=email)).to_be_visible()
    page.screenshot(path=shots / "signin-2-provider.png", full_page=True)


def test_the_pcc_signs_in_and_sees_the_dashboard(page, sign_in, shots):
    sign_in(page, "pcc@example.org")
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as pcc@example.org")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)
    expect(page.locator(DATA).first).to_be_visible()  # the figures that an anonymous visitor does not see
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Approve and publish")).to_be_visible()
    page.screenshot(path=shots / "signin-3-pcc.png", full_page=True)


def test_a_demo_user_signs_in_with_one_click_on_the_provider_page(page, served):
    page.goto(served.internal_url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="analyst@example.org").click()
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as analyst@example.org")).to_be_visible()


def test_an_account_without_a_role_is_refused_and_sees_no_data(page, sign_in, shots):
    sign_in(page, "visitor@example.org")
    expect(page.get_by_text("You are signed in as visitor@example.org, but that account has no role here")
           ).to_be_visible()
    page.screenshot(path=shots / "signin-4-no-role.png", full_page=True)
    expect(page.locator(DATA)).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_signing_out_asks_for_sign_in_again(page, sign_in, served):
    sign_in(page, "pcc@example.org")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    # Streamlit also ends the session at the provider, whose page asks to confirm.
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(served.internal_url + "/**")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_the_role_comes_from_the_verified_email_claim_not_the_subject(page, served, demo_provider):
    # Many providers send an opaque subject; access.yaml lists the verified email addresses.
    register_user(demo_provider, "0b7c-opaque-id", {"email": "analyst@example.org", "email_verified": True,
                                                    "name": "An analyst"})
    page.goto(served.internal_url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill("0b7c-opaque-id")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as analyst@example.org (analyst)")).to_be_visible()


def test_an_unverified_email_claim_is_refused_even_for_the_commissioners_address(page, served, demo_provider, shots):
    # A provider account anyone can make, claiming the PCC's address without the provider having confirmed it.
    register_user(demo_provider, "claims-to-be-pcc", {"email": "pcc@example.org", "email_verified": False,
                                                      "name": "Not the Commissioner"})
    page.goto(served.internal_url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill("claims-to-be-pcc")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("You are signed in as claims-to-be-pcc (pcc@example.org, unconfirmed), but that account "
                            "has no role here")).to_be_visible()
    expect(page.get_by_text("did not confirm this e-mail address")).to_be_visible()
    settle(page)
    page.screenshot(path=shots / "signin-5-unverified-email.png", full_page=True)
    expect(page.get_by_text("Signed in as pcc@example.org (pcc)")).to_have_count(0)
    expect(page.locator(DATA)).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
