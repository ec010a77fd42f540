//! The exchange's resources pages, written in a small safe Markdown.

use super::ExchangeError;
use crate::access::{Origin, Principal, now_stamp};
use crate::{App, AppError};
use swforce_domain::access::Permission;
use swforce_domain::exchange::{FieldProblem, ResourcePage, has_html};

const SEED_PAGES: [(&str, &str, &str); 2] = [
    (
        "top-tips",
        "Top tips for more time with families",
        "Ideas that teams in the exchange say gave them time back. Try one, measure it with your time diary, and share what happened.\n\n## For practitioners\n\n- Plan your week around your visits first, then fit recording around them.\n- Write records with families where you can: it is quicker and fairer.\n- Use templates and dictation for routine letters and notes.\n\n## For managers\n\n- Protect time in the week that is only for direct work.\n- Agree who signs off what, and cut steps that add nothing.\n- Keep meetings short, with a clear purpose and notes everyone can reuse.\n\n## For employers\n\n- Give teams business and admin support.\n- Record once: stop asking for the same information twice.\n- Fix the equipment and systems that waste social workers' time.\n",
    ),
    (
        "support",
        "Support for social workers",
        "If you are struggling with your workload or your wellbeing, you do not have to manage alone.\n\n- Talk to your supervisor or manager, and ask for reflective supervision.\n- Your employer's employee assistance programme offers confidential support.\n- [Social Work England](https://www.socialworkengland.org.uk) sets the professional standards and guidance on continuing development.\n- [BASW](https://www.basw.co.uk), the professional association for social work, offers advice and the 80:20 campaign's resources.\n- [Samaritans](https://www.samaritans.org) are there day and night on 116 123.\n",
    ),
];

impl App {
    // Resources.
    /// The resources pages, seeding the campaign's first two on first use.
    pub fn resource_pages(&self) -> Result<Vec<ResourcePage>, AppError> {
        let pages = self.store().pages()?;
        if !pages.is_empty() {
            return Ok(pages);
        }
        for (slug, title, body) in SEED_PAGES {
            self.store().save_page(&ResourcePage {
                slug: slug.into(),
                title: title.into(),
                body: body.into(),
                updated_by: "swforce".into(),
                updated_at: now_stamp(),
            })?;
        }
        Ok(self.store().pages()?)
    }

    pub fn resource_page(&self, slug: &str) -> Result<ResourcePage, AppError> {
        self.resource_pages()?;
        self.store().page(slug)?.ok_or_else(|| AppError::NotFound {
            kind: "page",
            query: slug.into(),
            suggestions: Vec::new(),
        })
    }

    /// A moderator writes or changes a resources page.
    pub fn save_resource_page(
        &self,
        who: &Principal,
        slug: &str,
        title: &str,
        body: &str,
        origin: &Origin,
    ) -> Result<ResourcePage, ExchangeError> {
        who.require(Permission::Moderate)?;
        let mut problems = Vec::new();
        let slug = slug.trim().to_lowercase();
        if slug.is_empty()
            || slug.len() > 60
            || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            problems.push(FieldProblem {
                field: "slug",
                problem: "Enter the page's address: letters, digits and hyphens".into(),
                fix: "Such as top-tips".into(),
            });
        }
        if title.trim().is_empty() || title.chars().count() > 150 || has_html(title) {
            problems.push(FieldProblem {
                field: "page_title",
                problem: "Enter the page's title, of 150 characters or fewer".into(),
                fix: "Plain text".into(),
            });
        }
        if body.trim().is_empty() || body.chars().count() > 50_000 || has_html(body) {
            problems.push(FieldProblem {
                field: "body",
                problem: "Write the page in Markdown, without HTML tags, 50,000 characters at most"
                    .into(),
                fix: "Use # for headings, - for lists and [words](https://...) for links".into(),
            });
        }
        if !problems.is_empty() {
            return Err(ExchangeError::Fields(problems));
        }
        let page = ResourcePage {
            slug: slug.clone(),
            title: title.trim().into(),
            body: body.trim().into(),
            updated_by: who.user.email.clone(),
            updated_at: now_stamp(),
        };
        self.store().save_page(&page)?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("resources page {slug}"),
            "saved",
            origin,
        )?;
        Ok(page)
    }
}
